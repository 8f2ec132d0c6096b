import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { cacheHitRate } from '@creditbank/gateway';
import { makeAccountNo } from '@creditbank/kernel';
import { testJwks, tokens } from '@creditbank/testing';
import { GUILD_QUERY, GUILD_SUBGRAPHS, PASS_THROUGH_QUERY, expectedGuildData, expectedPassThroughData } from './gateway/guild-fixtures';
import {
  freePort,
  measure,
  measureInterleaved,
  median,
  spawnServer,
  waitFor,
  type RunResult,
  type Spawned,
  type Target,
} from './gateway/load-runner';
import { machine, writeSection } from './report';

/**
 * `node scripts/bench.mjs gateway`: the gateway suite (issue 12). Load from this process (autocannon),
 * servers as child processes in NODE_ENV=production; every body checked against the answer computed
 * from the fixtures; medians of ≥ 3 measured runs after a warm-up; CPU and RSS from /proc.
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const RUNS = Math.max(3, Number(process.env['BENCH_RUNS'] ?? 3));
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 8);
const ONLY = new Set((process.env['BENCH_PARTS'] ?? 'peers,overhead,ablation').split(','));
const dist = __dirname;

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

/** Ask once; the body must carry exactly the expected data and no errors. Returns the exact text. */
async function probe(url: string, query: string, expected: unknown, token: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (res.status !== 200 || body.errors || canonical(body.data) !== canonical(expected))
    throw new Error(`wrong answer from ${url} (${res.status}): ${text.slice(0, 400)}`);
  return text;
}

interface Config {
  key: string;
  label: string;
  env: Record<string, string>;
}

const userTokens = Array.from({ length: 200 }, (_, i) => tokens.learner(makeAccountNo('33', i + 1)));

async function startGateway(config: Config, supergraphFile: string): Promise<Spawned & { url: string }> {
  const port = await freePort();
  const server = await spawnServer(join(dist, 'gateway', 'gateway-under-test.main.js'), {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    SUPERGRAPH_FILE: supergraphFile,
    JWT_JWKS: testJwks(),
    ...config.env,
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(async () => {
    await probe(url, GUILD_QUERY, expectedGuildData(), userTokens[0]!);
    return true;
  });
  return { ...server, url };
}

interface Row {
  label: string;
  result: RunResult;
  note?: string;
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const status = (r: RunResult) => (r.failed ? `**failed** (${r.mismatches} mismatched, ${r.non2xx} non-2xx, ${r.errors} errors)` : 'ok');

/**
 * Gateways for the given configurations, all started, then measured in interleaved rounds (see
 * `measureInterleaved`); the caches of our gateway (keys starting with `b`) read from /metrics.
 */
async function runInterleaved(
  configs: readonly Config[],
  supergraphFile: string,
  query: string,
  expected: unknown,
): Promise<{ rows: Map<string, Row>; rounds: Array<Map<string, RunResult>>; hit: Map<string, string> }> {
  const started: Array<Spawned & { url: string }> = [];
  try {
    for (const c of configs) started.push(await startGateway(c, supergraphFile));
    const targets = await Promise.all(
      started.map(async (gw) => ({
        target: {
          url: gw.url,
          body: JSON.stringify({ query }),
          expectBody: await probe(gw.url, query, expected, userTokens[0]!),
          tokens: userTokens,
        },
        pids: [gw.child.pid!],
      })),
    );
    const { medians, rounds } = await measureInterleaved(
      targets,
      { warmupSeconds: WARMUP, seconds: SECONDS, runs: RUNS, connections: CONNECTIONS },
      (round, i, r) =>
        process.stdout.write(`  round ${round + 1} ${configs[i]!.key}: ${f0(r.rps)} req/s, p95 ${f1(r.p95)} ms, load ${f1(r.load1)}\n`),
    );
    const rows = new Map<string, Row>();
    const hit = new Map<string, string>();
    for (const [i, c] of configs.entries()) {
      const m = medians[i]!;
      rows.set(c.key, { label: c.label, result: m });
      process.stdout.write(`${c.label}: ${f0(m.rps)} req/s, p95 ${f1(m.p95)} ms, ${f2(m.cpuMsPerRequest)} CPU-ms/req ${status(m)}\n`);
      if (c.key.startsWith('b')) {
        const metrics = await (await fetch(started[i]!.url.replace('/graphql', '/metrics'))).text();
        const plan = cacheHitRate(metrics, 'query_plan');
        const doc = cacheHitRate(metrics, 'document');
        const pct = (x: { rate: number | null }) => (x.rate === null ? 'n/a' : `${(x.rate * 100).toFixed(3)} %`);
        hit.set(c.key, `query plans ${pct(plan)} (${f0(plan.misses)} misses), documents ${pct(doc)} (${f0(doc.misses)} misses)`);
      }
    }
    return { rows, rounds: rounds.map((round) => new Map(configs.map((c, i) => [c.key, round[i]!]))), hit };
  } finally {
    await Promise.all(started.map((gw) => gw.stop()));
  }
}

/** `x / y` in each round, and their median: the ratio a load swing distorts least. */
function ratioByRound(rounds: ReadonlyArray<Map<string, RunResult>>, x: string, y: string): { median: number; each: number[] } {
  const each = rounds.map((r) => r.get(x)!.rps / r.get(y)!.rps);
  return { median: median(each), each };
}

async function run(): Promise<void> {
  const loadBefore = loadavg();
  const started = new Date();
  const subgraphs = await spawnServer(join(dist, 'gateway', 'guild-subgraphs.main.js'), { NODE_ENV: 'production' }, 'READY ');
  const lines: string[] = [];
  let goalsMet = true;
  try {
    const urls = JSON.parse(subgraphs.line.slice('READY '.length)) as Record<string, string>;
    const composed = composeServices(GUILD_SUBGRAPHS.map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: urls[s.name]! })));
    if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
    const supergraphFile = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphFile, composed.supergraphSdl);

    lines.push('## Gateway (`node scripts/bench.mjs gateway`)', '');
    lines.push(
      `Load: autocannon from the benchmark process, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${RUNS} measured rounds of ${SECONDS} s per configuration (medians shown). The configurations of a table run side by side and are measured in interleaved rounds (a, b, c, … then b, c, …, a, …), so a load swing on the machine falls on all of them alike; goal ratios are the median of the ratios within each round; every response body compared byte for byte with the one checked against the answer computed from the fixtures (a run with any mismatch, non-2xx or socket error is marked failed). Servers are child processes with \`NODE_ENV=production\`; every request carries a real ES256 JWT (200 learners' tokens in turn; only our gateway verifies them). CPU-ms per request is user + system time of the gateway's process tree (all workers) from /proc over the run, divided by the requests answered; the four subgraphs run in one separate process and are not counted.`,
      '',
    );

    // ---------------------------------------------------------------- peers
    const peers: Config[] = [
      {
        key: 'a',
        label: '(a) stock @apollo/gateway 2.14.4 + startStandaloneServer, defaults (1 process)',
        env: { BENCH_GATEWAY: 'stock' },
      },
      { key: 'b', label: '(b) our gateway, production configuration (GATEWAY_WORKERS=auto → 2 workers)', env: { BENCH_GATEWAY: 'ours' } },
      { key: 'c', label: '(c) Hive Gateway runtime 2.12.1 (1 process)', env: { BENCH_GATEWAY: 'hive' } },
      {
        key: 'a2',
        label: '(a′) stock @apollo/gateway, 2 forks (as the Guild harness runs it)',
        env: { BENCH_GATEWAY: 'stock', BENCH_FORKS: '2' },
      },
      {
        key: 'c2',
        label: '(c′) Hive Gateway runtime, 2 forks (as its CLI does in production)',
        env: { BENCH_GATEWAY: 'hive', BENCH_FORKS: '2' },
      },
      { key: 'b1', label: '(b₁) our gateway, GATEWAY_WORKERS=1', env: { BENCH_GATEWAY: 'ours', GATEWAY_WORKERS: '1' } },
    ];
    let peerRows = new Map<string, Row>();
    let hitRates = '';
    if (ONLY.has('peers')) {
      const measured = await runInterleaved(peers, supergraphFile, GUILD_QUERY, expectedGuildData());
      peerRows = measured.rows;
      hitRates = measured.hit.get('b') ?? '';
      const a = peerRows.get('a')!.result;
      const b = peerRows.get('b')!.result;
      const c = peerRows.get('c')!.result;
      const c2 = peerRows.get('c2')!.result;
      const r1 = ratioByRound(measured.rounds, 'b', 'a');
      const r2 = ratioByRound(measured.rounds, 'b', 'c');
      const g1 = r1.median;
      const g2 = r2.median;
      const ok1 = g1 >= 1.5 && !a.failed && !b.failed;
      const ok2 = g2 >= 1 && !b.failed && !c.failed;
      goalsMet &&= ok1 && ok2;
      const each = (r: { each: number[] }) => r.each.map(f2).join(', ');
      lines.push(
        '### Peer comparison: the Guild benchmark shape, same machine, same run',
        '',
        "Four in-memory subgraphs (accounts, inventory, products, reviews: the Guild's data and resolution rules, rebuilt with `@apollo/subgraph`, composed with `@apollo/composition`) and the Guild's nested `TestQuery` (users → reviews → product → reviews → author → reviews → product, and topProducts …; `@requires` and `@provides` included). The subgraphs answer from a memo of their (deterministic) responses so that the gateways, not the subgraphs, are measured.",
        '',
        '| gateway | requests/s | p95 ms | p99 ms | CPU-ms / request | peak RSS MiB | load (1 min) | bodies |',
        '|---|---|---|---|---|---|---|---|',
        ...[...peerRows.values()].map(
          (r) =>
            `| ${r.label} | **${f0(r.result.rps)}** | ${f1(r.result.p95)} | ${f1(r.result.p99)} | ${f2(r.result.cpuMsPerRequest)} | ${f0(r.result.peakRssMiB)} | ${f1(r.result.load1)} | ${status(r.result)} |`,
        ),
        '',
        `- Goal (b) ≥ 1.5 × (a): **${f2(g1)} ×** (median of the per-round ratios ${each(r1)}; ratio of the medians ${f2(b.rps / a.rps)} ×) — ${ok1 ? 'met' : '**not met**'}.`,
        `- Goal (b) ≥ (c): **${f2(g2)} ×** (per round ${each(r2)}; ratio of the medians ${f2(b.rps / c.rps)} ×) — ${ok2 ? 'met' : '**not met**'}; against Hive with 2 forks (c′): ${f2(b.rps / c2.rps)} ×.`,
        `- Our gateway's caches over the (b) runs (from \`creditbank_gateway_cache_lookups_total\`, aggregated over the workers): ${hitRates || 'n/a'}.`,
        '',
      );
    }

    // ---------------------------------------------------------------- overhead
    if (ONLY.has('overhead')) {
      const direct = urls['accounts']!;
      const expected = expectedPassThroughData();
      const directBody = await probe(direct, PASS_THROUGH_QUERY, expected, userTokens[0]!);
      const body = JSON.stringify({ query: PASS_THROUGH_QUERY });
      const m = (t: Target, pids: number[], overallRate?: number) =>
        measure(t, {
          warmupSeconds: WARMUP,
          seconds: SECONDS,
          runs: RUNS,
          connections: CONNECTIONS,
          pids,
          ...(overallRate ? { overallRate } : {}),
        });
      const directTarget: Target = { url: direct, body, expectBody: directBody, tokens: userTokens };
      const dMax = (await m(directTarget, [subgraphs.child.pid!])).median;
      const gw = await startGateway(peers[1]!, supergraphFile);
      try {
        const gwTarget: Target = {
          url: gw.url,
          body,
          expectBody: await probe(gw.url, PASS_THROUGH_QUERY, expected, userTokens[0]!),
          tokens: userTokens,
        };
        const gMax = (await m(gwTarget, [gw.child.pid!])).median;
        const rate = Math.floor(dMax.rps / 2);
        const dFixed = (await m(directTarget, [subgraphs.child.pid!], rate)).median;
        const gFixed = (await m(gwTarget, [gw.child.pid!], rate)).median;
        const sustainable = gFixed.rps >= rate * 0.97;
        const low = Math.floor(Math.min(dMax.rps, gMax.rps) / 2);
        const dLow = sustainable ? null : (await m(directTarget, [subgraphs.child.pid!], low)).median;
        const gLow = sustainable ? null : (await m(gwTarget, [gw.child.pid!], low)).median;
        lines.push(
          '### Gateway overhead: one subgraph, pass-through',
          '',
          `\`${PASS_THROUGH_QUERY}\` against the accounts subgraph directly and through our gateway (b).`,
          '',
          '| measure | direct | through the gateway | ratio / tax |',
          '|---|---|---|---|',
          `| max requests/s | ${f0(dMax.rps)} | ${f0(gMax.rps)} | ${f2(gMax.rps / dMax.rps)} × |`,
          `| at ${f0(rate)} req/s (half the direct maximum): achieved | ${f0(dFixed.rps)} | ${f0(gFixed.rps)} | ${sustainable ? 'sustained' : '**not sustained by the gateway**'} |`,
          `| … p50 latency ms | ${f2(dFixed.p50)} | ${f2(gFixed.p50)} | +${f2(gFixed.p50 - dFixed.p50)} ms |`,
          `| … p99 latency ms | ${f2(dFixed.p99)} | ${f2(gFixed.p99)} | +${f2(gFixed.p99 - dFixed.p99)} ms |`,
          ...(dLow && gLow
            ? [
                `| at ${f0(low)} req/s (half the gateway's maximum, which both sustain): p50 ms | ${f2(dLow.p50)} | ${f2(gLow.p50)} | +${f2(gLow.p50 - dLow.p50)} ms |`,
                `| … p99 ms | ${f2(dLow.p99)} | ${f2(gLow.p99)} | +${f2(gLow.p99 - dLow.p99)} ms |`,
              ]
            : []),
          `| bodies | ${status(dMax)} | ${status(gMax)} | |`,
          '',
        );
      } finally {
        await gw.stop();
      }
    }

    // ---------------------------------------------------------------- ablation
    if (ONLY.has('ablation')) {
      const steps: Config[] = [
        {
          key: 'b-0',
          label: 'before tuning: 1 process, undici fetch, Apollo default caches',
          env: {
            BENCH_GATEWAY: 'ours',
            GATEWAY_WORKERS: '1',
            BENCH_TUNING: JSON.stringify({ subgraphHttpClient: 'fetch', queryPlanCache: false, documentCache: false }),
          },
        },
        {
          key: 'b-1',
          label: '+ undici `request` client for subgraph calls',
          env: {
            BENCH_GATEWAY: 'ours',
            GATEWAY_WORKERS: '1',
            BENCH_TUNING: JSON.stringify({ queryPlanCache: false, documentCache: false }),
          },
        },
        { key: 'b-2', label: '+ counting LRU query-plan and document caches', env: { BENCH_GATEWAY: 'ours', GATEWAY_WORKERS: '1' } },
        { key: 'b-3', label: '+ 2 cluster workers (= (b))', env: { BENCH_GATEWAY: 'ours', GATEWAY_WORKERS: '2' } },
      ];
      const measured = await runInterleaved(steps, supergraphFile, GUILD_QUERY, expectedGuildData());
      const rows: Row[] = steps.map((st) => measured.rows.get(st.key)!);
      lines.push(
        '### What each change bought (ablation, Guild query, same run)',
        '',
        '| configuration | requests/s | vs previous | p95 ms | CPU-ms / request | bodies |',
        '|---|---|---|---|---|---|',
        ...rows.map(
          (r, i) =>
            `| ${r.label} | ${f0(r.result.rps)} | ${i === 0 ? '' : `${f2(r.result.rps / rows[i - 1]!.result.rps)} ×`} | ${f1(r.result.p95)} | ${f2(r.result.cpuMsPerRequest)} | ${status(r.result)} |`,
        ),
        '',
      );
    }
  } finally {
    await subgraphs.stop();
  }

  const loadAfter = loadavg();
  lines.push(
    `Machine: ${machine()}. Load average (1/5/15 min) at start ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, at end ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}: other work shared the machine, so absolute figures are low and noisy; comparisons within this run stay valid. Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  );
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  writeSection('gateway', text);
  if (!goalsMet) process.exitCode = 4;
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
