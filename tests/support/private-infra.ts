import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as account } from '@creditbank/account-service';
import { main as outcome } from '@creditbank/outcome-service';
import { main as standards } from '@creditbank/standards-service';
import { main as conversion } from '@creditbank/conversion-service';
import { main as intakeNetwork } from '@creditbank/intake-network-service';
import { main as analytics } from '@creditbank/analytics-service';
import type { StartedService } from '@creditbank/server';
import { createTestNamespace, serviceTestEnv, type TestNamespace } from '@creditbank/testing';
import { startGateway, type ServiceKey } from './platform';
import { freePort } from './process';

const ROOT = join(__dirname, '..', '..');
const INFRA = join(ROOT, 'deploy', 'local', 'infra.mjs');
const SHARED_LOCAL_DIR = join(ROOT, '.local');
/** Under the git-ignored `.local/`; one directory per private instance. */
const PRIVATE_ROOT = join(SHARED_LOCAL_DIR, 'private');
const OWNER_FILE = 'owner.pid';

export type InfraPart = 'kafka' | 'ferretdb';

/**
 * A Kafka broker and a FerretDB of one test file alone, provisioned by `deploy/local/infra.mjs` in its
 * own local directory on free ports, so a test may stop and start them (fault injection) without
 * touching the shared instance on 19092/27117 that every other test uses.
 */
export interface PrivateInfra {
  readonly dir: string;
  readonly mongodbUri: string;
  readonly kafkaBrokers: string;
  /** Stop one of them (data kept); resolves with how long the stop took, ms. */
  stop(part: InfraPart): Promise<number>;
  /** Start it again and wait until it answers; resolves with how long that took, ms. */
  start(part: InfraPart): Promise<number>;
  /** Stop both and delete the directory. */
  destroy(): Promise<void>;
}

function infra(dir: string, ports: Record<string, string>, args: string[]): Promise<string> {
  // Without MONGODB_URI / KAFKA_BROKERS infra.mjs provisions instead of pointing at the shared servers.
  const env: NodeJS.ProcessEnv = { ...process.env, ...ports, CREDITBANK_LOCAL_DIR: dir };
  delete env['MONGODB_URI'];
  delete env['KAFKA_BROKERS'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INFRA, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`infra ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Private instances whose test process died without cleaning up (a killed jest run): stop their
 * servers (infra.mjs stops only what its pid files name) and delete them.
 */
async function sweepOrphans(): Promise<void> {
  if (!existsSync(PRIVATE_ROOT)) return;
  for (const name of readdirSync(PRIVATE_ROOT)) {
    const dir = join(PRIVATE_ROOT, name);
    const owner = Number.parseInt(existsSync(join(dir, OWNER_FILE)) ? readFileSync(join(dir, OWNER_FILE), 'utf8') : '', 10);
    if (Number.isInteger(owner) && alive(owner)) continue;
    await infra(dir, {}, ['down']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reuse what the shared local dir already built or fetched (the Kafka classpath, the FerretDB
 * launcher, the CJK font): infra.mjs checks their hashes, so a private start skips Maven and Go.
 */
function seedFromShared(dir: string): void {
  for (const rel of ['kafka/classpath.txt', 'kafka/classpath.sha256', 'bin/ferretdb-launcher', 'bin/ferretdb-launcher.sha256', 'fonts']) {
    const from = join(SHARED_LOCAL_DIR, rel);
    if (existsSync(from)) cpSync(from, join(dir, rel), { recursive: true });
  }
}

/** Starts a private Kafka + FerretDB for one test file (~10 s); call `destroy()` in afterAll. */
export async function startPrivateInfra(name: string): Promise<PrivateInfra> {
  await sweepOrphans();
  const dir = join(PRIVATE_ROOT, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  seedFromShared(dir);
  const [kafka, controller, mongo] = [await freePort(), await freePort(), await freePort()];
  const ports = {
    CREDITBANK_KAFKA_PORT: String(kafka),
    CREDITBANK_KAFKA_CONTROLLER_PORT: String(controller),
    CREDITBANK_MONGO_PORT: String(mongo),
  };
  try {
    await infra(dir, ports, ['up']);
  } catch (error) {
    await infra(dir, ports, ['down']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const timed = async (args: string[]) => {
    const t0 = Date.now();
    await infra(dir, ports, args);
    return Date.now() - t0;
  };
  return {
    dir,
    mongodbUri: `mongodb://127.0.0.1:${mongo}`,
    kafkaBrokers: `127.0.0.1:${kafka}`,
    stop: (part) => timed(['down', part]),
    start: (part) => timed(['up', part]),
    async destroy() {
      await infra(dir, ports, ['down']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const SERVICES = { account, outcome, standards, conversion, 'intake-network': intakeNetwork, analytics } as const;

/** Some services (in-process) and a gateway over them, on a private instance, in one test namespace. */
export interface PrivatePlatform {
  ns: TestNamespace;
  /** The environment each service was started with (database name, topic prefix …). */
  env: Partial<Record<ServiceKey, Record<string, string>>>;
  subgraphUrl: Partial<Record<ServiceKey, string>>;
  services: Partial<Record<ServiceKey, StartedService>>;
  gatewayUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts `keys` in this process against the private instance, in order (the first creates the
 * topics), and a gateway. Subgraphs not started answer nothing: queries must not need them.
 * `external` names subgraphs running elsewhere (a spawned process) by URL.
 */
export async function startPrivatePlatform(
  infra: PrivateInfra,
  keys: readonly ServiceKey[],
  options: { external?: Partial<Record<ServiceKey, string>>; env?: Partial<Record<ServiceKey, Record<string, string>>> } = {},
): Promise<PrivatePlatform> {
  const ns = createTestNamespace(); // its cleanup targets the shared instance: never called, the private one is deleted
  const env: PrivatePlatform['env'] = {};
  const services: PrivatePlatform['services'] = {};
  const urls: Record<string, string> = {};
  const stopAll = async () => {
    for (const s of Object.values(services).reverse()) await s.runtime.stop().catch(() => undefined);
  };
  try {
    for (const key of keys) {
      env[key] = privateServiceEnv(infra, ns, key, options.env?.[key]);
      services[key] = await SERVICES[key](env[key]);
      urls[key] = services[key].url;
    }
    const all = Object.keys(SERVICES) as ServiceKey[];
    const gatewayUrls = Object.fromEntries(all.map((k) => [k, options.external?.[k] ?? urls[k] ?? 'http://127.0.0.1:9/graphql'])) as Record<
      ServiceKey,
      string
    >;
    const gw = await startGateway(gatewayUrls, { LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'fatal' });
    return {
      ns,
      env,
      subgraphUrl: { ...urls, ...options.external },
      services,
      gatewayUrl: gw.url,
      async stop() {
        await gw.runtime.stop();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A service's test environment pointed at the private instance. */
export function privateServiceEnv(
  infra: PrivateInfra,
  ns: TestNamespace,
  service: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return serviceTestEnv(ns, service, {
    MONGODB_URI: infra.mongodbUri,
    KAFKA_BROKERS: infra.kafkaBrokers,
    // The faults make every client log connection errors by the hundred: keep CI output readable.
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'fatal',
    ...extra,
  });
}
