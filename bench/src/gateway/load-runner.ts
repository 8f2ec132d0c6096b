import { readFileSync, readdirSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const HZ = 100;

function statOf(pid: number): { ppid: number; cpuTicks: number; rssPages: number } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces).
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid = field 4, utime = 14, stime = 15, rss = 24.
    return { ppid: Number(rest[1]), cpuTicks: Number(rest[11]) + Number(rest[12]), rssPages: Number(rest[21]) };
  } catch {
    return null;
  }
}

/** The process and all its descendants (cluster workers). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = statOf(Number(entry));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(Number(entry));
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** CPU time (ms, user + system) and RSS (MiB) of a process tree, sampled. */
export function resourceSampler(roots: readonly number[], intervalMs = 250) {
  const pageMiB = 4096 / 2 ** 20;
  const cpu = () => roots.flatMap(processTree).reduce((s, pid) => s + (statOf(pid)?.cpuTicks ?? 0), 0);
  const rss = () => roots.flatMap(processTree).reduce((s, pid) => s + (statOf(pid)?.rssPages ?? 0), 0) * pageMiB;
  const cpu0 = cpu();
  let peakRss = rss();
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { cpuMs: ((cpu() - cpu0) * 1000) / HZ, peakRssMiB: Math.max(peakRss, rss()) };
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A server as a child process; resolves once a line starting with `ready` is printed (if given). */
export async function spawnServer(script: string, env: Record<string, string>, ready?: string): Promise<Spawned & { line: string }> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    if (!ready) return resolve('');
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const l = buf.split('\n').find((x) => x.startsWith(ready));
      if (l) resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${stderr}`)));
  });
  if (!ready) child.stdout?.resume();
  return {
    child,
    line,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Target {
  url: string;
  body: string;
  /** The exact response body every request must get (checked by autocannon: mismatches). */
  expectBody: string;
  /** One is used per request, in turn (realistic: many callers, each token reused). */
  tokens: readonly string[];
  headers?: Record<string, string>;
}

export interface RunResult {
  rps: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  mismatches: number;
  non2xx: number;
  errors: number;
  failed: boolean;
  /** The first body that differed from the expected one (for the report), if any. */
  firstMismatch?: string;
  cpuMs: number;
  cpuMsPerRequest: number;
  peakRssMiB: number;
  load1: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One autocannon run (in this process, which is not the server's), with CPU and RSS of `pids`. */
export async function runLoad(
  target: Target,
  options: { seconds: number; connections: number; overallRate?: number; pids: readonly number[] },
): Promise<RunResult> {
  let i = 0;
  let mismatches = 0;
  let firstMismatch: string | undefined;
  const latencies: number[] = [];
  const sampler = resourceSampler(options.pids);
  let finish: (r: autocannon.Result) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: target.url,
      method: 'POST',
      connections: options.connections,
      duration: options.seconds,
      ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      headers: { 'content-type': 'application/json', ...(target.headers ?? {}) },
      body: target.body,
      requests: [
        {
          setupRequest: (req) => {
            const token = target.tokens[i++ % target.tokens.length]!;
            return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
          },
          // autocannon's expectBody cannot be combined with per-request setup: compare here.
          onResponse: (statusCode: number, body: string) => {
            if (statusCode >= 200 && statusCode < 300 && body !== target.expectBody) {
              mismatches += 1;
              firstMismatch ??= body.slice(0, 2000);
            }
          },
        },
      ],
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await done;
  const res = sampler.stop();
  const sorted = Float64Array.from(latencies).sort();
  const requests = result.requests.total;
  return {
    rps: requests / result.duration,
    requests,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mismatches: result.mismatches + mismatches,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    failed: result.mismatches + mismatches + result.non2xx + result.errors + result.timeouts > 0 || requests === 0,
    ...(firstMismatch !== undefined ? { firstMismatch } : {}),
    cpuMs: res.cpuMs,
    cpuMsPerRequest: requests ? res.cpuMs / requests : NaN,
    peakRssMiB: res.peakRssMiB,
    load1: loadavg()[0] ?? NaN,
  };
}

const firstMismatchOf = (runs: readonly RunResult[]) => runs.find((x) => x.firstMismatch !== undefined)?.firstMismatch;

/** The medians of measured runs (each figure separately; failures and errors summed). */
export function summarize(runs: readonly RunResult[]): RunResult {
  const med = <K extends keyof RunResult>(k: K) => median(runs.map((x) => x[k] as number));
  return {
    rps: med('rps'),
    requests: med('requests'),
    p50: med('p50'),
    p95: med('p95'),
    p99: med('p99'),
    mismatches: runs.reduce((s, x) => s + x.mismatches, 0),
    non2xx: runs.reduce((s, x) => s + x.non2xx, 0),
    errors: runs.reduce((s, x) => s + x.errors, 0),
    failed: runs.some((x) => x.failed),
    ...(firstMismatchOf(runs) !== undefined ? { firstMismatch: firstMismatchOf(runs)! } : {}),
    cpuMs: med('cpuMs'),
    cpuMsPerRequest: med('cpuMsPerRequest'),
    peakRssMiB: Math.max(...runs.map((x) => x.peakRssMiB)),
    load1: med('load1'),
  };
}

/** The median of a non-empty list (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
}

/** Warm-up, then `runs` measured runs; the reported figures are the medians. */
export async function measure(
  target: Target,
  options: { warmupSeconds: number; seconds: number; runs: number; connections: number; overallRate?: number; pids: readonly number[] },
): Promise<{ median: RunResult; runs: RunResult[]; failed: boolean }> {
  await runLoad(target, { ...options, seconds: options.warmupSeconds });
  const runs: RunResult[] = [];
  for (let r = 0; r < options.runs; r += 1) runs.push(await runLoad(target, options));
  const m = summarize(runs);
  return { median: m, runs, failed: m.failed };
}

/**
 * Several targets measured in interleaved rounds: all warmed up first, then each round runs every
 * target once, the order rotated from round to round. A load swing on a shared machine then falls
 * on all targets alike instead of on whichever was measured during it, and ratios can be taken
 * within each round (`rounds[r][i]`).
 */
export async function measureInterleaved(
  targets: ReadonlyArray<{ target: Target; pids: readonly number[] }>,
  options: { warmupSeconds: number; seconds: number; runs: number; connections: number },
  onRun?: (round: number, index: number, result: RunResult) => void,
): Promise<{ medians: RunResult[]; rounds: RunResult[][] }> {
  for (const t of targets) await runLoad(t.target, { ...options, seconds: options.warmupSeconds, pids: t.pids });
  const rounds: RunResult[][] = [];
  for (let r = 0; r < options.runs; r += 1) {
    const round: RunResult[] = new Array<RunResult>(targets.length);
    for (let k = 0; k < targets.length; k += 1) {
      const i = (k + r) % targets.length;
      const t = targets[i]!;
      round[i] = await runLoad(t.target, { ...options, pids: t.pids });
      onRun?.(r, i, round[i]);
    }
    rounds.push(round);
  }
  return { medians: targets.map((_, i) => summarize(rounds.map((round) => round[i]!))), rounds };
}
