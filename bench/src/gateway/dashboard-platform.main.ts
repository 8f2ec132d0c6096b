import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as account } from '@creditbank/account-service';
import { main as analytics } from '@creditbank/analytics-service';
import { seedDemoWorld, type SeedReport } from '@creditbank/cli/seed';
import { main as conversion } from '@creditbank/conversion-service';
import { main as gateway } from '@creditbank/gateway';
import { main as intakeNetwork } from '@creditbank/intake-network-service';
import { runSeedNetwork } from '@creditbank/intake-network-service/seed-network';
import { makeResidentId } from '@creditbank/identity';
import { main as outcome } from '@creditbank/outcome-service';
import type { StartedService } from '@creditbank/server';
import { main as standards } from '@creditbank/standards-service';
import { runSeed as runStandardsSeed } from '@creditbank/standards-service/seed';
import { createTestNamespace, serviceTestEnv, testJwks, testSigningKey, tokens } from '@creditbank/testing';

/**
 * The whole platform in this (child) process, as tests/support/platform.ts starts it: six subgraphs
 * and the gateway (NODE_ENV=production, one process) in a fresh test namespace, seeded with the demo
 * world (`creditbank seed` at a small scale) plus one learner with OUTCOMES outcomes deposited by an
 * accredited institution. Prints `READY {json}` once the learner's dashboard is complete; SIGTERM
 * stops everything and drops the namespace.
 */
const SERVICES = { account, outcome, standards, conversion, 'intake-network': intakeNetwork, analytics } as const;
type ServiceKey = keyof typeof SERVICES;
const OUTCOMES = Number(process.env['BENCH_DASHBOARD_OUTCOMES'] ?? 100);
const SCALE = Number(process.env['BENCH_DASHBOARD_SCALE'] ?? 0.01);
const LOG_LEVEL = 'warn';

interface Gql<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<Gql<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Gql<T>;
}

async function ok<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const r = await gql<T>(url, query, variables, token);
  if (!r.data || r.errors?.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(r.errors ?? 'no data')}`);
  return r.data;
}

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 180_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function start(): Promise<void> {
  const ns = createTestNamespace();
  const keys = Object.keys(SERVICES) as ServiceKey[];
  const started: Partial<Record<ServiceKey, StartedService>> = {};
  let gw: StartedService | undefined;
  const stop = async () => {
    await gw?.runtime.stop();
    await Promise.all(Object.values(started).map((s) => s.runtime.stop()));
    await ns.cleanup();
  };
  process.once('SIGTERM', () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  try {
    for (const key of keys) started[key] = await SERVICES[key](serviceTestEnv(ns, key, { LOG_LEVEL }));
    const urls = Object.fromEntries(keys.map((k) => [k, started[k]!.url])) as Record<ServiceKey, string>;
    gw = await gateway({
      NODE_ENV: 'production',
      LOG_LEVEL,
      HOST: '127.0.0.1',
      PORT: '0',
      JWT_JWKS: testJwks(),
      ...Object.fromEntries(keys.map((k) => [`SUBGRAPH_${k.toUpperCase().replace(/-/g, '_')}_URL`, urls[k]])),
    });
    const url = gw.url;

    // The demo world (what `npm start` seeds), at a small scale.
    const env = (service: string) => ({ ...serviceTestEnv(ns, service), LOG_LEVEL: 'error' });
    await runSeedNetwork(['--province', '33', '--points', '30'], env('intake-network'));
    await runStandardsSeed(env('standards'));
    const key = testSigningKey();
    const keyFile = join(mkdtempSync(join(tmpdir(), 'bench-seed-key-')), 'key.pem');
    writeFileSync(keyFile, key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const t0 = Date.now();
    // The seed is idempotent: a transient failure (the shared database under other work's load) is
    // retried, finding what the failed attempt created.
    let seed: SeedReport | undefined;
    for (let attempt = 1; !seed; attempt += 1) {
      try {
        seed = await seedDemoWorld({ url, scale: SCALE, concurrency: 4, kid: key.kid, keyFile, log: () => undefined });
      } catch (error) {
        if (attempt >= 3) throw error;
        process.stderr.write(`seed attempt ${attempt} failed, retrying: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    const inst = seed.sample.institutionCode;
    if (!inst) throw new Error('the seed reported no depositing institution');

    // One more learner, opened at an intake point, with OUTCOMES outcomes from an accredited
    // vocational certificate issuer (the seed's first depositing institution).
    const nodes = await ok<{ serviceNodes: { edges: Array<{ node: { id: string; adminDivision: string } }> } }>(
      url,
      `query { serviceNodes(filter: { province: "33", kind: INTAKE_POINT, status: "ACTIVE" }, first: 1) { edges { node { id adminDivision } } } }`,
      {},
    );
    const node = nodes.serviceNodes.edges[0]!.node;
    const idNumber = makeResidentId(node.adminDivision.slice(0, 6), '1978-06-15', 987);
    const name = '周晓梅';
    const opened = await gql<{ openLearnerAccount: { learner: { accountNo: string } } }>(
      url,
      `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
      {
        i: {
          idNumber,
          name,
          phone: '13912345678',
          adminDivision: node.adminDivision,
          agreementVersion: '2026-01',
          householdId: `hh-${node.adminDivision}-bench`,
          educationLevel: '中专',
        },
      },
      tokens.operator(node.id, '33'),
    );
    const accountNo = opened.data?.openLearnerAccount.learner.accountNo;
    if (!accountNo) throw new Error(`opening the benchmark learner failed: ${JSON.stringify(opened.errors)}`);
    const catalog = await ok<{ catalogItems: { edges: Array<{ node: { code: string; name: string; hours: number | null } }> } }>(
      url,
      `query { catalogItems(filter: { status: "PUBLISHED", type: VOCATIONAL }, first: 100) { edges { node { code name hours } } } }`,
      {},
    );
    const items = catalog.catalogItems.edges.map((e) => e.node);
    if (items.length === 0) throw new Error('no published vocational catalogue items');
    const rows = Array.from({ length: OUTCOMES }, (_, j) => {
      const item = items[j % items.length]!;
      return {
        externalRef: `bench-dashboard-${j}`,
        idNumber,
        name,
        type: 'VOCATIONAL',
        catalogItemCode: item.code,
        title: `${item.name}（${j + 1}）`,
        ...(item.hours ? { hours: item.hours } : {}),
        score: 60 + ((j * 13) % 41),
        // One outcome every 67 days from 2005 on: distinct dates, so the page order is total.
        achievedAt: new Date(Date.UTC(2005, 0, 3) + j * 67 * 86_400_000).toISOString().slice(0, 10),
      };
    });
    const imported = await until('the benchmark learner’s outcomes to be imported', async () => {
      const r = await gql<{ importOutcomes: { accepted: number; duplicates: number; rejected: number } }>(
        url,
        `mutation($r: String!, $rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: $r, rows: $rows) { accepted duplicates rejected } }`,
        { r: 'bench-dashboard', rows },
        tokens.institutionAdmin(inst, '33'),
      );
      return r.data?.importOutcomes ?? null;
    });
    if (imported.rejected > 0) throw new Error(`${imported.rejected} of the benchmark learner’s outcomes were rejected`);
    const learnerToken = tokens.learner(accountNo);
    await until(
      'the outcomes to reach the learner’s archive',
      async () => {
        const d = await ok<{ learner: { outcomes: { totalCount: number } } }>(
          url,
          `query($a: ID!) { learner(accountNo: $a) { outcomes { totalCount } } }`,
          { a: accountNo },
          learnerToken,
        );
        return d.learner.outcomes.totalCount === OUTCOMES ? true : null;
      },
      // Claiming goes through events: slow when other work loads the shared database.
      420_000,
    );
    process.stdout.write(
      `READY ${JSON.stringify({
        gateway: url,
        subgraphs: urls,
        accountNo,
        // The signing key is this process's (test keys are generated per process): the token is minted here.
        token: learnerToken,
        seedSeconds: Math.round((Date.now() - t0) / 1000),
        learners: seed.learners.opened + seed.learners.existing + 1,
        outcomes: seed.outcomes.accepted + imported.accepted,
        institutions: seed.institutions.created + seed.institutions.existing,
      })}\n`,
    );
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    await stop().catch(() => undefined);
    process.exit(1);
  }
}

void start();
