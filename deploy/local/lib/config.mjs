// Where things listen and live. Everything here comes from the environment, with defaults matching
// shared/config/src/local-defaults.ts (mongodb://127.0.0.1:27117, 127.0.0.1:19092).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';

/** deploy/local/ */
export const DEPLOY_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = path.resolve(DEPLOY_DIR, '..', '..');

/** `require` resolving from the repo root, for kafkajs and mongodb from the root node_modules. */
export const requireFromRepo = createRequire(path.join(REPO_ROOT, 'package.json'));

function port(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a valid TCP port`);
  }
  return value;
}

export function loadConfig(env = process.env) {
  const localDir = path.resolve(env.CREDITBANK_LOCAL_DIR || path.join(REPO_ROOT, '.local'));
  const logsDir = path.join(localDir, 'logs');

  const kafkaDir = path.join(localDir, 'kafka');
  const kafka = {
    name: 'kafka',
    port: port(env, 'CREDITBANK_KAFKA_PORT', 19092),
    controllerPort: port(env, 'CREDITBANK_KAFKA_CONTROLLER_PORT', 19093),
    /** Set when KAFKA_BROKERS points at an existing cluster: nothing is provisioned. */
    external: env.KAFKA_BROKERS?.trim() || null,
    pom: path.join(DEPLOY_DIR, 'kafka', 'pom.xml'),
    dir: kafkaDir,
    dataDir: path.join(kafkaDir, 'data'),
    classpathFile: path.join(kafkaDir, 'classpath.txt'),
    classpathHashFile: path.join(kafkaDir, 'classpath.sha256'),
    serverProperties: path.join(kafkaDir, 'server.properties'),
    log4jProperties: path.join(kafkaDir, 'log4j2.properties'),
    pidFile: path.join(kafkaDir, 'kafka.pid'),
    logFile: path.join(logsDir, 'kafka.out.log'), // JVM stdout/stderr
    serverLog: path.join(logsDir, 'kafka-server.log'), // log4j2 (WARN and above)
    mavenLog: path.join(logsDir, 'maven.log'),
    formatLog: path.join(logsDir, 'kafka-format.log'),
  };
  if (kafka.port === kafka.controllerPort) {
    throw new Error('CREDITBANK_KAFKA_PORT and CREDITBANK_KAFKA_CONTROLLER_PORT must differ');
  }

  const ferretDir = path.join(localDir, 'ferretdb');
  const binDir = path.join(localDir, 'bin');
  const ferretdb = {
    name: 'ferretdb',
    port: port(env, 'CREDITBANK_MONGO_PORT', 27117),
    /** Set when MONGODB_URI points at an existing server: nothing is provisioned. */
    external: env.MONGODB_URI?.trim() || null,
    srcDir: path.join(DEPLOY_DIR, 'ferretdb-launcher'),
    binary: path.join(binDir, 'ferretdb-launcher'),
    binaryHashFile: path.join(binDir, 'ferretdb-launcher.sha256'),
    dir: ferretDir,
    dataDir: path.join(ferretDir, 'data'),
    pidFile: path.join(ferretDir, 'ferretdb.pid'),
    logFile: path.join(logsDir, 'ferretdb.log'),
    buildLog: path.join(logsDir, 'ferretdb-build.log'),
  };

  return {
    localDir,
    logsDir,
    envFile: path.join(localDir, 'infra.env'),
    lockFile: path.join(localDir, 'infra.lock'),
    kafka,
    ferretdb,
  };
}
