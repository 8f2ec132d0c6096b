#!/usr/bin/env node
// Local infrastructure for development and integration tests: Kafka 4.1.1 (KRaft) and FerretDB
// v1.24.2 (SQLite), provisioned from package registries only (Maven Central, Go module proxy).
//
//   node deploy/local/infra.mjs up|down|status|reset      (or: npm run infra -- up)
//   node deploy/local/infra.mjs up|down kafka|ferretdb    (just one of them, e.g. to inject a fault)
//
// Also importable, e.g. from a jest globalSetup:
//   const { up } = await import('../../deploy/local/infra.mjs');
//   const { mongodbUri, kafkaBrokers } = await up();
//
// See deploy/local/README.md for ports, environment variables, files and timings.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { HOST, loadConfig } from './lib/config.mjs';
import { ferretdbService } from './lib/ferretdb.mjs';
import { kafkaService } from './lib/kafka.mjs';
import { ensureCjkFont } from './lib/fonts.mjs';
import {
  isAlive,
  isPortInUse,
  logTails,
  ownedPid,
  removeFile,
  rotateLog,
  seconds,
  stopProcess,
  withLock,
  writeFileAtomic,
} from './lib/process-utils.mjs';

const EXTERNAL_TIMEOUT_MS = 20_000; // servers named by MONGODB_URI / KAFKA_BROKERS
const STATUS_TIMEOUT_MS = 3_000;

function logger(quiet) {
  return quiet ? () => {} : (line) => console.log(line);
}

const elapsed = (since) => seconds(performance.now() - since);
const SERVICE_NAMES = ['kafka', 'ferretdb'];
/** The services an `only` option selects (all when it is not given). */
function selected(services, only) {
  if (only !== undefined && !SERVICE_NAMES.includes(only))
    throw new Error(`unknown service ${only} (expected ${SERVICE_NAMES.join(' or ')})`);
  return services.filter((svc) => only === undefined || svc.name === only);
}
const address = (svc) => `${HOST}:${svc.ports[0].port}`;
/** Hides the password of a `scheme://user:password@host` URI in printed output. */
const redact = (uri) => uri.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');

// ---------------------------------------------------------------------------------------------
// up

/**
 * Starts (or reuses) Kafka and FerretDB and waits until both answer real requests. With `only`
 * ('kafka' or 'ferretdb') just that one is started, and infra.env is left as it is (fault-injection
 * tests restart one of them).
 * @returns {Promise<{ mongodbUri: string, kafkaBrokers: string }>}
 */
export async function up({ quiet = false, only } = {}) {
  const log = logger(quiet);
  const cfg = loadConfig();
  const since = performance.now();
  return withLock(
    cfg.lockFile,
    async () => {
      const kafka = kafkaService(cfg);
      const ferretdb = ferretdbService(cfg);
      // Both in parallel: the first run's Go build overlaps with Maven + the broker's start.
      await allOrCombinedError(selected([kafka, ferretdb], only).map((svc) => ensureUp(svc, log)));
      if (only !== undefined) {
        log(`${only} up in ${elapsed(since)}`);
        return { mongodbUri: ferretdb.endpoint, kafkaBrokers: kafka.endpoint };
      }

      const font = ensureCjkFont(cfg.localDir, log);
      if (!font.path) log(`fonts: ${font.reason}`);
      const result = { mongodbUri: ferretdb.endpoint, kafkaBrokers: kafka.endpoint, cjkFont: font.path };
      writeFileAtomic(
        cfg.envFile,
        `# Written by deploy/local/infra.mjs up\nMONGODB_URI=${result.mongodbUri}\nKAFKA_BROKERS=${result.kafkaBrokers}\n${font.path ? `CERT_FONT_FILE=${font.path}\n` : ''}`,
      );
      log(`infra up in ${elapsed(since)}; endpoints written to ${cfg.envFile}`);
      return result;
    },
    { log },
  );
}

/** Makes one service ready: probe an external one, reuse ours if running, else prepare + start. */
async function ensureUp(svc, log) {
  const since = performance.now();

  if (svc.external) {
    const info = await svc.probe(svc.external, { timeoutMs: EXTERNAL_TIMEOUT_MS }).catch((err) => {
      throw new Error(`${svc.name}: ${svc.externalVar}=${redact(svc.external)} is set, but that server is ${err.message}`);
    });
    log(`${svc.name} ready at ${redact(svc.external)} (external, from ${svc.externalVar}; ${info}; ${elapsed(since)})`);
    return;
  }

  const running = ownedPid(svc.pidFile, svc.marker);
  if (running) {
    const mismatch = svc.mismatch(running);
    if (mismatch) {
      throw new Error(`${svc.name} (pid ${running}) is already running, but ${mismatch}; run \`down\` first to apply the new settings.`);
    }
    const failFast = () => (isAlive(running) ? null : diedError(svc, running, 'exited unexpectedly'));
    const info = await svc.probe(svc.endpoint, { timeoutMs: svc.readyTimeoutMs, failFast }).catch((err) => {
      if (!isAlive(running)) throw err;
      throw new Error(`${svc.name} (pid ${running}) is running but ${err.message}${logTails(svc.logs)}\nRun \`down\` and \`up\` again.`);
    });
    log(`${svc.name} ready on ${address(svc)} (pid ${running}, already running; ${info}; ${elapsed(since)})`);
    return;
  }

  await assertPortsFree(svc); // before the (possibly slow) preparation, to fail fast
  const prepared = await svc.prepare((line) => log(`${svc.name}: ${line}`));
  svc.logs.forEach(rotateLog);
  const startedAt = performance.now();
  const proc = svc.start(prepared);
  const failFast = () => {
    const exit = proc.exited();
    return exit ? diedError(svc, proc.pid, `${describeExit(exit)} during startup`) : null;
  };
  try {
    const info = await svc.probe(svc.endpoint, { timeoutMs: svc.readyTimeoutMs, failFast, fresh: true });
    log(`${svc.name} ready on ${address(svc)} (pid ${proc.pid}, started in ${elapsed(startedAt)}; ${info}; ${elapsed(since)} total)`);
  } catch (err) {
    if (proc.exited()) throw err;
    throw new Error(
      `${svc.name} (pid ${proc.pid}) started but ${err.message}. It is left running in case it is just slow; ` +
        `\`up\` again waits for it, \`down\` stops it.${logTails(svc.logs)}`,
    );
  }
}

function describeExit(exit) {
  if (exit.error) return `could not be started (${exit.error.message})`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function diedError(svc, pid, how) {
  removeFile(svc.pidFile);
  return new Error(`${svc.name} (pid ${pid}) ${how}${logTails(svc.logs)}`);
}

async function assertPortsFree(svc) {
  for (const { port, envVar } of svc.ports) {
    if (await isPortInUse(HOST, port)) {
      throw new Error(
        `${svc.name}: port ${port} on ${HOST} is already in use by a process this script did not start. ` +
          `Set ${envVar} to a free port (or ${svc.externalVar} to use an existing server).`,
      );
    }
  }
}

/** Like Promise.all, but lets every task finish and reports all failures together. */
async function allOrCombinedError(promises) {
  const results = await Promise.allSettled(promises);
  const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new Error(errors.map((e) => e.message).join('\n\n'));
  return results.map((r) => r.value);
}

// ---------------------------------------------------------------------------------------------
// down / reset

/**
 * Stops FerretDB, then Kafka (only processes this script started; external servers are never
 * touched). With `only` ('kafka' or 'ferretdb') just that one; its data is kept.
 */
export async function down({ quiet = false, only } = {}) {
  const log = logger(quiet);
  const cfg = loadConfig();
  await withLock(cfg.lockFile, () => stopAll(cfg, log, only), { log });
}

async function stopAll(cfg, log, only) {
  for (const svc of selected([ferretdbService(cfg), kafkaService(cfg)], only)) {
    const pid = ownedPid(svc.pidFile, svc.marker);
    if (!pid) {
      log(svc.external ? `${svc.name} not running here (${svc.externalVar} is set; that server is left alone)` : `${svc.name} not running`);
      continue;
    }
    const since = performance.now();
    const how = await stopProcess(pid, svc.stopTimeoutMs);
    removeFile(svc.pidFile);
    const note = how === 'killed' ? `; did not exit within ${seconds(svc.stopTimeoutMs)}, killed` : '';
    log(`${svc.name} stopped (pid ${pid}, ${elapsed(since)}${note})`);
  }
}

/** `down`, then delete the data directories; the built launcher and the Kafka classpath stay. */
export async function reset({ quiet = false } = {}) {
  const log = logger(quiet);
  const cfg = loadConfig();
  await withLock(
    cfg.lockFile,
    async () => {
      await stopAll(cfg, log);
      for (const svc of [ferretdbService(cfg), kafkaService(cfg)]) {
        for (const dir of svc.dataDirs) {
          fs.rmSync(dir, { recursive: true, force: true });
          log(`${svc.name} data deleted (${dir})`);
        }
      }
    },
    { log },
  );
}

// ---------------------------------------------------------------------------------------------
// status

/**
 * Reports what runs where. Resolves to `{ ready, services: [{ name, state, ready, pid?, address, detail }] }`;
 * the CLI exits 0 only when everything is ready.
 */
export async function status({ quiet = false } = {}) {
  const log = logger(quiet);
  const cfg = loadConfig();
  const services = await Promise.all([kafkaService(cfg), ferretdbService(cfg)].map(serviceStatus));
  for (const s of services) {
    const pid = s.pid ? `pid ${s.pid}, ` : '';
    log(`${s.name.padEnd(8)} ${s.state.padEnd(11)} ${s.address}  (${pid}${s.detail})`);
  }
  return { ready: services.every((s) => s.ready), services };
}

async function serviceStatus(svc) {
  const probe = async (endpoint, failFast) => {
    try {
      return { ready: true, detail: await svc.probe(endpoint, { timeoutMs: STATUS_TIMEOUT_MS, failFast }) };
    } catch (err) {
      return { ready: false, detail: `not ready: ${err.message}` };
    }
  };

  if (svc.external) {
    const r = await probe(svc.external);
    return {
      name: svc.name,
      state: r.ready ? 'ready' : 'unreachable',
      address: redact(svc.external),
      ready: r.ready,
      detail: `external, from ${svc.externalVar}; ${r.detail}`,
    };
  }
  const pid = ownedPid(svc.pidFile, svc.marker);
  if (!pid) {
    const busy = (await Promise.all(svc.ports.map(({ port }) => isPortInUse(HOST, port)))).some(Boolean);
    const detail = busy ? 'port in use by a process this script did not start' : 'not running';
    return { name: svc.name, state: 'stopped', address: address(svc), ready: false, detail };
  }
  const r = await probe(svc.endpoint, () => (isAlive(pid) ? null : new Error('process exited')));
  return {
    name: svc.name,
    state: r.ready ? 'ready' : 'not ready',
    address: address(svc),
    pid,
    ready: r.ready,
    detail: r.detail,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node deploy/local/infra.mjs <up|down|status|reset>
       node deploy/local/infra.mjs <up|down> <kafka|ferretdb>

  up      start Kafka and FerretDB (or reuse running ones), wait until ready, write infra.env
  down    stop both (FerretDB, then Kafka)
  up|down kafka|ferretdb   start or stop just that one (data kept; infra.env untouched)
  status  show what runs where; exit code 0 only if both are ready
  reset   down, then delete their data (the next up starts empty)

environment:
  CREDITBANK_KAFKA_PORT (19092)  CREDITBANK_KAFKA_CONTROLLER_PORT (19093)  CREDITBANK_MONGO_PORT (27117)
  CREDITBANK_LOCAL_DIR (<repo>/.local)
  KAFKA_BROKERS / MONGODB_URI    use these existing servers instead of provisioning our own`;

async function main([command, ...rest]) {
  const commands = { up, down, status, reset };
  if (['-h', '--help', 'help'].includes(command)) {
    console.log(USAGE);
    return 0;
  }
  const only = rest[0];
  const oneService = (command === 'up' || command === 'down') && rest.length === 1 && SERVICE_NAMES.includes(only);
  if (!Object.hasOwn(commands, command ?? '') || (rest.length > 0 && !oneService)) {
    console.error(USAGE);
    return 2;
  }
  try {
    const result = await commands[command](oneService ? { only } : {});
    return command === 'status' && !result.ready ? 1 : 0;
  } catch (err) {
    console.error(`infra ${command} failed: ${err.message}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) process.exit(await main(process.argv.slice(2)));
