// FerretDB v1.24.2 (SQLite backend) via our own tiny launcher, deploy/local/ferretdb-launcher,
// built with the Go toolchain from the Go module proxy and cached in <local dir>/bin.
import fs from 'node:fs';
import path from 'node:path';

import { HOST, requireFromRepo } from './config.mjs';
import { FERRETDB_PATCHES } from './ferretdb-patches.mjs';
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
const LAUNCHER_SOURCES = ['go.mod', 'go.sum', 'main.go', 'proxy.go', 'checkpointer.go'];
const MIN_GO = [1, 24]; // FerretDB v1.24.2's go.mod says `go 1.24`
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';

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
  return sha256(...LAUNCHER_SOURCES.map((name) => fs.readFileSync(`${f.srcDir}/${name}`)), JSON.stringify(FERRETDB_PATCHES));
}

function makeWritable(dir) {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, 0o644);
  }
}

/**
 * A build directory holding the launcher sources and a patched copy of the FerretDB module, with a
 * `replace` directive pointing at the copy. Everything comes from the Go module proxy / cache.
 */
async function preparePatchedBuild(f, env) {
  const buildDir = path.join(f.dir, 'build');
  if (fs.existsSync(buildDir)) makeWritable(buildDir);
  fs.rmSync(buildDir, { recursive: true, force: true });
  fs.mkdirSync(buildDir, { recursive: true });
  const { code, output } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    cwd: f.srcDir,
    env,
    logFile: f.buildLog,
  });
  if (code !== 0)
    throw new Error(`downloading ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed (exit code ${code})${logTails([f.buildLog], 30)}`);
  // stdout and stderr arrive together: take the JSON object.
  const moduleDir = JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1)).Dir;
  const patched = path.join(buildDir, 'ferretdb');
  fs.cpSync(moduleDir, patched, { recursive: true });
  makeWritable(patched); // the module cache is read-only, and so is a plain copy of it
  for (const p of FERRETDB_PATCHES) {
    const file = path.join(patched, p.file);
    if (p.content !== undefined) {
      fs.writeFileSync(file, p.content);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(p.from)) throw new Error(`FerretDB patch no longer applies: ${p.file} has no line ${JSON.stringify(p.from)}`);
    fs.writeFileSync(file, text.replace(p.from, p.to));
  }
  const launcher = path.join(buildDir, 'launcher');
  fs.mkdirSync(launcher);
  for (const name of LAUNCHER_SOURCES) fs.copyFileSync(path.join(f.srcDir, name), path.join(launcher, name));
  fs.appendFileSync(path.join(launcher, 'go.mod'), `\nreplace ${FERRETDB_MODULE} ${FERRETDB_VERSION} => ../ferretdb\n`);
  return { launcher, cleanup: () => fs.rmSync(buildDir, { recursive: true, force: true }) };
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
  const build = await preparePatchedBuild(f, env);
  const { code } = await run('go', args, { cwd: build.launcher, env, logFile: f.buildLog });
  build.cleanup();
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
