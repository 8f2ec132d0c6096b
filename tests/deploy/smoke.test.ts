/**
 * Manifest-driven smoke test. Every app Deployment of the production overlay is started as the
 * image would start it (`node dist/main.js` of the workspace its image is built from), with the
 * environment and files its rendered pod spec gives it:
 *
 * - ConfigMaps (envFrom, configMapKeyRef, configMap volumes such as the supergraph) are resolved
 *   from the render, and mounted files are written to a temporary directory;
 * - Secrets are replaced by test values (`serviceTestEnv`: the test JWKS and signing key, PII and
 *   hash keys); a Secret the test has no value for fails the test;
 * - infrastructure points at the local test broker and database (`testInfra()`), in a test
 *   namespace (database name, topic and group prefix), on a free port. The local broker is plaintext
 *   without authentication, so the Kafka TLS/SASL settings are left out. The topics are created from
 *   the rendered KafkaTopic resources (the services run with KAFKA_CREATE_TOPICS=false, as in the
 *   cluster).
 *
 * Then it is probed on the manifest's probe paths, ports and headers, sent SIGTERM, and must drain
 * and exit 0 within the pod's grace period (minus the preStop sleep).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { createTestNamespace, serviceTestEnv, testInfra, type TestNamespace } from '@creditbank/testing';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import {
  ROOT,
  appContainer,
  appDeployments,
  containerEnv,
  named,
  ofKind,
  plainValue,
  render,
  type K8sObject,
  type Workload,
} from './support/manifests';
import { ensureBuilt, entryPoint } from './support/build';

const OVERLAY = 'production';
const objects = render(OVERLAY);
const apps = appDeployments(objects);

/** Variables the local plaintext broker cannot honour (TLS and SASL to Strimzi's listener). */
const LOCAL_BROKER_DROPS = new Set([
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
]);
/** Secrets with no counterpart in serviceTestEnv: a harmless test value. */
const EXTRA_TEST_SECRETS: Record<string, string> = { IDV_API_KEY: 'test-idv-api-key' };

/** The workspace an image is built from: creditbank/<SERVICE> → services/<SERVICE> or gateway. */
function workspaceOf(image: string): string {
  const repo = image.split('@')[0]!.replace(/:[^/]*$/, '');
  const service = repo.slice(repo.lastIndexOf('/') + 1);
  return service === 'gateway' ? 'gateway' : `services/${service}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Launch {
  script: string;
  env: Record<string, string>;
  port: number;
  /** What was substituted, for the failure message. */
  notes: string[];
}

/** The process environment a pod spec gives its container, with test secrets and local infra. */
async function launchSpec(w: Workload, ns: TestNamespace, dir: string): Promise<Launch> {
  const c = appContainer(w);
  const spec = w.template.spec!;
  const service = workspaceOf(c.image!).replace(/^services\//, '');
  const test = serviceTestEnv(ns, service);
  const notes: string[] = [];
  const env: Record<string, string> = {};
  for (const [name, source] of containerEnv(objects, c)) {
    if (LOCAL_BROKER_DROPS.has(name)) {
      notes.push(`${name} dropped (local broker)`);
      continue;
    }
    if (source.from === 'value') env[name] = source.value;
    else if (source.from === 'configMap') {
      if (source.value === undefined) throw new Error(`${w.name}: ${name} refers to missing ConfigMap key ${source.name}/${source.key}`);
      env[name] = source.value;
    } else if (source.from === 'secret') {
      const value = test[name] ?? EXTRA_TEST_SECRETS[name];
      if (value === undefined) throw new Error(`${w.name}: no test value for ${name} (Secret ${source.name}/${source.key})`);
      env[name] = value;
      notes.push(`${name} ← test value (Secret ${source.name})`);
    } else throw new Error(`${w.name}: ${name} from a field reference is not supported here`);
  }

  // Mounted files: ConfigMaps from the render, Secrets as test values, emptyDirs as directories.
  for (const mount of c.volumeMounts ?? []) {
    const volume = spec.volumes!.find((v) => v.name === mount.name)!;
    const local = join(dir, w.name, mount.mountPath);
    mkdirSync(local, { recursive: true });
    const pointing = Object.entries(env).filter(([, v]) => v.startsWith(`${mount.mountPath}/`));
    if (volume.configMap) {
      const cm = named<IConfigMap & K8sObject>(objects, 'ConfigMap', volume.configMap.name!);
      const items = volume.configMap.items ?? Object.keys(cm.data ?? {}).map((key) => ({ key, path: key }));
      for (const item of items) writeFileSync(join(local, item.path), cm.data![item.key]!);
      notes.push(`${mount.mountPath} ← ConfigMap ${cm.metadata!.name}`);
    } else if (volume.secret) {
      for (const [name, path] of pointing) {
        const counterpart = test[name.replace(/_FILE$/, '')];
        if (counterpart === undefined) {
          if (LOCAL_BROKER_DROPS.has(name)) continue;
          throw new Error(`${w.name}: no test content for ${path} (${name}, Secret ${volume.secret.secretName})`);
        }
        mkdirSync(dirname(join(dir, w.name, path)), { recursive: true });
        writeFileSync(join(dir, w.name, path), counterpart);
        notes.push(`${path} ← test value of ${name.replace(/_FILE$/, '')} (Secret ${volume.secret.secretName})`);
      }
    } else if (!volume.emptyDir) {
      throw new Error(`${w.name}: volume ${volume.name} of an unsupported type`);
    }
    for (const [name, value] of pointing) env[name] = join(dir, w.name, value);
  }
  for (const name of Object.keys(env)) if (LOCAL_BROKER_DROPS.has(name)) delete env[name];

  // Local infrastructure, the test namespace, a free port.
  const port = await freePort();
  const infra = testInfra();
  if (env['KAFKA_BROKERS'] !== undefined) env['KAFKA_BROKERS'] = infra.kafkaBrokers;
  if (env['KAFKA_TOPIC_PREFIX'] !== undefined) env['KAFKA_TOPIC_PREFIX'] = ns.topicPrefix;
  if (env['MONGODB_URI'] !== undefined) env['MONGODB_URI'] = infra.mongodbUri;
  if (env['MONGODB_DB'] !== undefined) env['MONGODB_DB'] = ns.dbName(service);
  env['PORT'] = String(port);
  return { script: entryPoint(workspaceOf(c.image!)), env: { PATH: process.env['PATH'] ?? '', ...env }, port, notes };
}

async function probe(url: string, p: IProbe | undefined): Promise<number> {
  const headers = Object.fromEntries((p?.httpGet?.httpHeaders ?? []).map((h) => [h.name, h.value]));
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout((p?.timeoutSeconds ?? 1) * 1000 + 1000) });
    return res.status;
  } catch {
    return 0;
  }
}

function probeUrl(w: Workload, launch: Launch, p: IProbe): string {
  const c = appContainer(w);
  const port = typeof p.httpGet!.port === 'number' ? p.httpGet!.port : c.ports!.find((x) => x.name === p.httpGet!.port)!.containerPort;
  // The probe targets the port the container listens on (PORT); the test listens on a free one.
  expect(port).toBe(Number(plainValue(containerEnv(objects, c).get('PORT'))));
  return `http://127.0.0.1:${launch.port}${p.httpGet!.path}`;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

let ns: TestNamespace;
let dir: string;

beforeAll(async () => {
  ensureBuilt(apps.map((w) => workspaceOf(appContainer(w).image!)));
  ns = createTestNamespace();
  dir = mkdtempSync(join(tmpdir(), 'creditbank-smoke-'));
  // The topics as Strimzi would create them from the KafkaTopic resources (few partitions locally).
  const kafka = new Kafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'deploy-smoke', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = ofKind<K8sObject & { spec: { topicName?: string; partitions: number } }>(objects, 'KafkaTopic');
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: ns.topicPrefix + (t.spec.topicName ?? t.metadata.name),
        numPartitions: Math.min(t.spec.partitions, 2),
        replicationFactor: 1,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}, 60_000);

afterAll(async () => {
  await ns?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** What one smoke run observed. */
interface SmokeResult {
  error?: Error;
  stopMs?: number;
  budgetMs?: number;
  output?: string;
}

/** Start, probe and stop one Deployment's process; never throws (the test reports the result). */
async function smoke(w: Workload): Promise<SmokeResult> {
  const c = appContainer(w);
  const launch = await launchSpec(w, ns, dir);
  const child = spawn(process.execPath, [launch.script], { cwd: ROOT, env: launch.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const context = () => `\n--- substitutions\n${launch.notes.join('\n')}\n--- output\n${output.slice(-4000)}`;
  const fail = (message: string): never => {
    throw new Error(`${w.name}: ${message}${context()}`);
  };
  try {
    // Startup: the startup probe must pass (bounded here to 45 s; the manifest allows more).
    const startup = c.startupProbe!;
    const startupUrl = probeUrl(w, launch, startup);
    const deadline = Date.now() + Math.min((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3), 45) * 1000;
    while ((await probe(startupUrl, startup)) !== 200) {
      if (child.exitCode !== null) fail(`exited with ${child.exitCode} during start`);
      if (Date.now() > deadline) fail(`startup probe ${startupUrl} never passed`);
      await sleep(100);
    }
    // Readiness may lag a moment behind (Kafka group join): poll it briefly.
    const readyUrl = probeUrl(w, launch, c.readinessProbe!);
    const readyBy = Date.now() + 20_000;
    while ((await probe(readyUrl, c.readinessProbe)) !== 200) {
      if (Date.now() > readyBy) fail(`readiness probe ${readyUrl} never passed`);
      await sleep(100);
    }
    const live = await probe(probeUrl(w, launch, c.livenessProbe!), c.livenessProbe);
    if (live !== 200) fail(`liveness probe answered ${live}`);
    const metrics = await probe(`http://127.0.0.1:${launch.port}/metrics`, undefined);
    if (metrics !== 200) fail(`/metrics answered ${metrics}`);

    if (w.name === 'gateway') {
      // It serves the supergraph mounted from the ConfigMap.
      const res = await fetch(`http://127.0.0.1:${launch.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const body = await res.text();
      if (res.status !== 200 || JSON.stringify(JSON.parse(body)) !== JSON.stringify({ data: { __typename: 'Query' } }))
        fail(`/graphql answered ${res.status} ${body}`);
    }

    // Termination: the kubelet sends SIGTERM after preStop; the process must be gone before SIGKILL.
    const budgetMs = (w.template.spec!.terminationGracePeriodSeconds! - (c.lifecycle?.preStop?.sleep?.seconds ?? 0)) * 1000;
    const t0 = Date.now();
    child.kill('SIGTERM');
    const timer = new AbortController();
    const code = await Promise.race([
      exited(child),
      sleep(budgetMs, 'timeout' as const, { signal: timer.signal }).catch(() => 'cancelled' as const),
    ]);
    timer.abort();
    const stopMs = Date.now() - t0;
    if (code !== 0) fail(`SIGTERM → exit ${String(code)} after ${stopMs} ms (budget ${budgetMs} ms)`);
    return { stopMs, budgetMs, output };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  }
}

const results = new Map<string, SmokeResult>();

describe(`every app Deployment of the ${OVERLAY} overlay, started with its rendered environment`, () => {
  // Two at a time: each start is a node process, a Mongo connection and a Kafka group join.
  beforeAll(async () => {
    const queue = [...apps];
    const worker = async () => {
      for (let w = queue.shift(); w; w = queue.shift()) results.set(w.name, await smoke(w));
    };
    await Promise.all([worker(), worker()]);
  }, 180_000);

  it.each(apps.map((w) => [w.name] as const))('%s starts, passes its probes, and drains on SIGTERM within its grace period', (name) => {
    const r = results.get(name)!;
    if (r.error) throw r.error;
    expect(r.stopMs!).toBeLessThan(r.budgetMs!);
    expect(r.output).toMatch(/"msg":"stopped"/);
  });
});
