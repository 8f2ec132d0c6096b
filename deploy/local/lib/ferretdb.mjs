// FerretDB v1.24.2 (SQLite backend) via our own tiny launcher, deploy/local/ferretdb-launcher,
// built with the Go toolchain from the Go module proxy and cached in <local dir>/bin.
import fs from 'node:fs';

import { HOST, requireFromRepo } from './config.mjs';
import {
  MissingToolError,
  commandLine,
  logTails,
  readText,
  retryUntil,
  run,
  sha256,
  spawnDetached,
  writeFileAtomic,
} from './process-utils.mjs';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const LAUNCHER_SOURCES = ['go.mod', 'go.sum', 'main.go', 'proxy.go'];
const MIN_GO = [1, 24]; // FerretDB v1.24.2's go.mod says `go 1.24`

/** The service descriptor infra.mjs drives (see `ensureUp` there). */
export function ferretdbService(cfg) {
  const f = cfg.ferretdb;
  return {
    name: 'ferretdb',
    endpoint: f.external ?? `mongodb://${HOST}:${f.port}`,
    external: f.external,
    externalVar: 'MONGODB_URI',
    pidFile: f.pidFile,
    marker: f.dataDir, // on our launcher's command line; guards against pid reuse
    ports: [{ port: f.port, envVar: 'CREDITBANK_MONGO_PORT' }],
    logs: [f.logFile],
    /** Why the running launcher does not match the current settings, or null. */
    mismatch: (pid) => {
      const cmd = commandLine(pid);
      return cmd === null || cmd.includes(`-listen ${HOST}:${f.port} `) ? null : `it listens on another port (${cmd.trim()})`;
    },
    dataDirs: [f.dataDir],
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    prepare: (log) => prepare(f, log),
    start: () => start(f),
    probe: probeMongo,
  };
}

// ---------------------------------------------------------------------------------------------
// building the launcher

function sourcesHash(f) {
  return sha256(...LAUNCHER_SOURCES.map((name) => fs.readFileSync(`${f.srcDir}/${name}`)));
}

async function checkGo() {
  const missing = `Go ${MIN_GO.join('.')}+ is required to build the FerretDB launcher (first run only), but \`go\` was not found on PATH. Install Go ≥ ${MIN_GO.join('.')}.`;
  const { output } = await run('go', ['version'], { missing });
  const match = /go(\d+)\.(\d+)/.exec(output);
  const [major, minor] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new MissingToolError(`Go ≥ ${MIN_GO.join('.')} is required to build the FerretDB launcher, found: ${output.trim()}`);
  }
}

/** Builds <local dir>/bin/ferretdb-launcher unless it exists and was built from the current sources. */
async function ensureBinary(f, log) {
  const hash = sourcesHash(f);
  if (fs.existsSync(f.binary) && readText(f.binaryHashFile)?.trim() === hash) return;

  await checkGo();
  log('building FerretDB launcher (first run, ~2 min)…');
  const tmp = `${f.binary}.tmp`;
  // CGO_ENABLED=0: FerretDB's SQLite driver is pure Go, so no C compiler is needed and the binary is static.
  const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
  const args = ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'];
  const { code } = await run('go', args, { cwd: f.srcDir, env, logFile: f.buildLog });
  if (code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`building the FerretDB launcher failed (exit code ${code})${logTails([f.buildLog], 30)}`);
  }
  fs.renameSync(tmp, f.binary);
  writeFileAtomic(f.binaryHashFile, `${hash}\n`);
}

async function prepare(f, log) {
  await ensureBinary(f, log);
  fs.mkdirSync(f.dataDir, { recursive: true });
  return {};
}

function start(f) {
  return spawnDetached({
    command: f.binary,
    args: ['-listen', `${HOST}:${f.port}`, '-sqlite-dir', f.dataDir],
    cwd: f.dir,
    env: process.env,
    logFile: f.logFile,
    pidFile: f.pidFile,
  });
}

// ---------------------------------------------------------------------------------------------
// readiness

/** Ready = a real command (`ping`) round-trips through the MongoDB driver. */
export async function probeMongo(uri, { timeoutMs, failFast } = {}) {
  const { MongoClient } = requireFromRepo('mongodb');
  return retryUntil(
    async () => {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
      try {
        await client.connect();
        await client.db('admin').command({ ping: 1 });
        const info = await client
          .db('admin')
          .command({ buildInfo: 1 })
          .catch(() => ({}));
        return info.version ? `reports MongoDB ${info.version}` : 'ping ok';
      } finally {
        await client.close().catch(() => {});
      }
    },
    { timeoutMs, failFast, intervalMs: 200 },
  );
}
