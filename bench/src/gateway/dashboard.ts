import { join } from 'node:path';
import { loadavg } from 'node:os';
import { measure, spawnServer, type RunResult } from './load-runner';

export interface DashboardReport {
  markdown: string;
  ok: boolean;
}

/** The learner dashboard of a provincial front-end: four subgraphs (account, outcome, conversion, analytics; intake-network and standards by reference). */
export const dashboardQuery = (first: number) =>
  `query Dashboard($a: ID!) { learner(accountNo: $a) { name status openedAtNode { name } archive { year recognizedCredits } outcomes(first: ${first}) { totalCount edges { node { title status recognizedCredits catalogItem { name level } institution { name } } } } creditAccount { recognized available points { earned available } } recommendations(limit: 5) { reason score } } }`;

const PAGE_SIZES = [10, 100] as const;
const SERVICES = ['account', 'outcome', 'standards', 'conversion', 'intake-network', 'analytics'] as const;
type Service = (typeof SERVICES)[number];

interface Ready {
  gateway: string;
  subgraphs: Record<Service, string>;
  accountNo: string;
  /** The learner's token (LEARNER role, valid for an hour), signed by the platform process's test key. */
  token: string;
  seedSeconds: number;
  learners: number;
  outcomes: number;
  institutions: number;
}

interface Counts {
  /** GraphQL operations the subgraph served (creditbank_graphql_duration_seconds_count). */
  operations: number;
  /** Database commands on behalf of HTTP requests (creditbank_db_commands_total{origin="http"}). */
  db: number;
  /** Time the subgraph spent in those operations, ms (creditbank_graphql_duration_seconds_sum). */
  ms: number;
}

function sumMetric(text: string, name: string, labelFilter?: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (labelFilter && !rest.includes(labelFilter)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function snapshot(subgraphs: Record<Service, string>): Promise<Record<Service, Counts>> {
  const out = {} as Record<Service, Counts>;
  for (const s of SERVICES) {
    const text = await (await fetch(subgraphs[s].replace(/\/graphql$/, '/metrics'))).text();
    out[s] = {
      operations: sumMetric(text, 'creditbank_graphql_duration_seconds_count'),
      db: sumMetric(text, 'creditbank_db_commands_total', 'origin="http"'),
      ms: sumMetric(text, 'creditbank_graphql_duration_seconds_sum') * 1000,
    };
  }
  return out;
}

async function ask(url: string, body: string, token: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await res.text();
  const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (res.status !== 200 || parsed.errors || !parsed.data) throw new Error(`dashboard query failed (${res.status}): ${text.slice(0, 400)}`);
  return text;
}

interface PerOperation {
  counts: Record<Service, Counts>;
  /** End-to-end latency of the single request, ms (median of the repeats). */
  ms: number;
}

/**
 * Calls per operation: the difference of the counters around one request (the platform is otherwise
 * idle). Asked `repeat` times; the counts must agree (times are the median's request's).
 */
async function callsPerOperation(ready: Ready, body: string, token: string, repeat = 3): Promise<PerOperation> {
  const seen: PerOperation[] = [];
  const calls = (c: Record<Service, Counts>) => JSON.stringify(SERVICES.map((s) => [c[s].operations, c[s].db]));
  for (let i = 0; i < repeat; i += 1) {
    const before = await snapshot(ready.subgraphs);
    const t0 = performance.now();
    await ask(ready.gateway, body, token);
    const ms = performance.now() - t0;
    const after = await snapshot(ready.subgraphs);
    const counts = Object.fromEntries(
      SERVICES.map((s) => [
        s,
        { operations: after[s].operations - before[s].operations, db: after[s].db - before[s].db, ms: after[s].ms - before[s].ms },
      ]),
    ) as Record<Service, Counts>;
    if (seen[0] && calls(seen[0].counts) !== calls(counts))
      throw new Error(`call counts differ between identical requests: ${calls(seen[0].counts)} vs ${calls(counts)}`);
    seen.push({ counts, ms });
  }
  return [...seen].sort((a, b) => a.ms - b.ms)[Math.floor(seen.length / 2)]!;
}

/** The body once it no longer changes (events still settling into projections after the seed). */
async function settledBody(url: string, body: string, token: string, timeoutMs = 180_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = await ask(url, body, token);
  let same = 0;
  while (same < 3) {
    if (Date.now() > end) throw new Error('the dashboard did not settle (projections still changing)');
    await new Promise((r) => setTimeout(r, 1500));
    const next = await ask(url, body, token);
    same = next === last ? same + 1 : 0;
    last = next;
  }
  return last;
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const status = (r: RunResult) => (r.failed ? `**failed** (${r.mismatches} mismatched, ${r.non2xx} non-2xx, ${r.errors} errors)` : 'ok');

/**
 * Our own graph: the learner dashboard of a provincial front-end against the seeded platform (one
 * child process: six subgraphs + gateway), at two page sizes; subgraph and database calls per
 * operation, which must not grow with the page size.
 */
export async function runDashboard(options: {
  seconds: number;
  runs: number;
  warmupSeconds: number;
  connections: number;
}): Promise<DashboardReport> {
  const loadBefore = loadavg();
  const platform = await spawnServer(join(__dirname, 'dashboard-platform.main.js'), {}, 'READY ');
  try {
    const ready = JSON.parse(platform.line.slice('READY '.length)) as Ready;
    const token = ready.token;
    const bodies = Object.fromEntries(
      PAGE_SIZES.map((n) => [n, JSON.stringify({ query: dashboardQuery(n), variables: { a: ready.accountNo } })]),
    ) as Record<number, string>;
    const expect: Record<number, string> = {};
    for (const n of PAGE_SIZES) {
      expect[n] = await settledBody(ready.gateway, bodies[n]!, token);
      const edges = (JSON.parse(expect[n]!) as { data: { learner: { outcomes: { edges: unknown[] } } } }).data.learner.outcomes.edges
        .length;
      if (edges !== n) throw new Error(`expected ${n} outcomes on the page, got ${edges}`);
    }
    const idle: Record<number, PerOperation> = {};
    for (const n of PAGE_SIZES) idle[n] = await callsPerOperation(ready, bodies[n]!, token);
    const counts = Object.fromEntries(PAGE_SIZES.map((n) => [n, idle[n]!.counts])) as Record<number, Record<Service, Counts>>;
    const results: Record<number, RunResult> = {};
    for (const n of PAGE_SIZES) {
      results[n] = (
        await measure(
          { url: ready.gateway, body: bodies[n]!, expectBody: expect[n]!, tokens: [token] },
          { ...options, pids: [platform.child.pid!] },
        )
      ).median;
      const r = results[n]!;
      if (r.firstMismatch)
        process.stdout.write(`first mismatched body (first=${n}): ${r.firstMismatch}\nexpected: ${expect[n]!.slice(0, 2000)}\n`);
      process.stdout.write(
        `dashboard first=${n}: ${f0(r.rps)} req/s, p50 ${f1(r.p50)} ms, p95 ${f1(r.p95)} ms, p99 ${f1(r.p99)} ms ${status(r)}\n`,
      );
    }
    const [small, large] = PAGE_SIZES;
    const constant = SERVICES.every(
      (s) => counts[small]![s].operations === counts[large]![s].operations && counts[small]![s].db === counts[large]![s].db,
    );
    const total = (n: number, k: keyof Counts) => SERVICES.reduce((sum, s) => sum + counts[n]![s][k], 0);
    const loadAfter = loadavg();
    const ok = constant && !results[small]!.failed && !results[large]!.failed;
    const markdown = [
      '### Our graph: learner dashboard',
      '',
      `The dashboard of a provincial front-end through our gateway (\`NODE_ENV=production\`, one process) over the six subgraphs, all started in one child process as the end-to-end tests start them, in a fresh namespace of the local FerretDB and Kafka, seeded with \`creditbank seed\` (${ready.institutions} institutions, ${ready.learners} learners, ${f0(ready.outcomes)} outcomes; ${ready.seedSeconds} s) plus one learner opened at an intake point holding 100 outcomes deposited by an accredited institution. Every request carries that learner's LEARNER token; every body is compared byte for byte with the settled answer. Same load settings as above (${options.connections} connections, ${options.warmupSeconds} s warm-up, medians of ${options.runs} × ${options.seconds} s); CPU-ms per request is the whole platform process (gateway + six subgraphs), the database and Kafka not counted.`,
      '',
      '```graphql',
      dashboardQuery(0)
        .replace('query Dashboard($a: ID!) { ', 'query Dashboard($a: ID!) {\n  ')
        .replace('outcomes(first: 0)', 'outcomes(first: N)')
        .replace(/ } }$/, '\n}'),
      '```',
      '',
      '| page size N | requests/s | p50 ms | p95 ms | p99 ms | CPU-ms / request | peak RSS MiB | load (1 min) | bodies |',
      '|---|---|---|---|---|---|---|---|---|',
      ...PAGE_SIZES.map((n) => {
        const r = results[n]!;
        return `| ${n} | **${f0(r.rps)}** | ${f1(r.p50)} | ${f1(r.p95)} | ${f1(r.p99)} | ${f2(r.cpuMsPerRequest)} | ${f0(r.peakRssMiB)} | ${f1(r.load1)} | ${status(r)} |`;
      }),
      '',
      'Calls per dashboard operation (counter differences around one request on the otherwise idle platform, three times, identical each time): GraphQL operations each subgraph served (`creditbank_graphql_duration_seconds_count`), the database commands it issued for HTTP requests (`creditbank_db_commands_total{origin="http"}`) and the time it spent in those operations (`creditbank_graphql_duration_seconds_sum`, of the median request; subgraphs called in parallel overlap).',
      '',
      `| subgraph | operations, N = ${small} | operations, N = ${large} | DB commands, N = ${small} | DB commands, N = ${large} | ms, N = ${small} | ms, N = ${large} |`,
      '|---|---|---|---|---|---|---|',
      ...SERVICES.map(
        (s) =>
          `| ${s} | ${counts[small]![s].operations} | ${counts[large]![s].operations} | ${counts[small]![s].db} | ${counts[large]![s].db} | ${f1(counts[small]![s].ms)} | ${f1(counts[large]![s].ms)} |`,
      ),
      `| **total** (ms: end to end through the gateway) | **${total(small, 'operations')}** | **${total(large, 'operations')}** | **${total(small, 'db')}** | **${total(large, 'db')}** | **${f1(idle[small]!.ms)}** | **${f1(idle[large]!.ms)}** |`,
      '',
      `- Calls constant with the page size: ${constant ? '**yes** (every subgraph, both counts)' : '**no**'}.`,
      `- Load average (1/5/15 min) before this part ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}; the load generator, the gateway, the six services, FerretDB and Kafka share the 2 cores with other work, so these figures are noisy and a lower bound.`,
    ].join('\n');
    return { markdown, ok };
  } finally {
    await platform.stop();
  }
}
