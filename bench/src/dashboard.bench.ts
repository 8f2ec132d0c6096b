import { machine, writeSection } from './report';
import { runDashboard } from './gateway/dashboard';

/**
 * `node scripts/bench.mjs dashboard`: our own graph (issue 12). The learner dashboard of a provincial
 * front-end through the gateway over the seeded platform, at page sizes 10 and 100: requests/s and
 * latency (autocannon from this process; the platform in a child process), and the subgraph and
 * database calls per operation, which must not grow with the page size (exit 4 if they do, or if any
 * body is wrong).
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const RUNS = Math.max(3, Number(process.env['BENCH_RUNS'] ?? 3));
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 8);

async function run(): Promise<void> {
  const started = new Date();
  const report = await runDashboard({ seconds: SECONDS, runs: RUNS, warmupSeconds: WARMUP, connections: CONNECTIONS });
  const text = [
    '## Our graph: learner dashboard (`node scripts/bench.mjs dashboard`)',
    '',
    report.markdown.replace(/^### Our graph: learner dashboard\n\n/, ''),
    '',
    `Machine: ${machine()}. Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  writeSection('dashboard', text);
  if (!report.ok) process.exitCode = 4;
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
