import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '@creditbank/logging';

/** CPUs this process may use: the machine's, capped by a cgroup v2 CPU quota (a container's limit). */
export function availableCpus(cpuMax: string | null = readCpuMax()): number {
  const machine = availableParallelism();
  if (!cpuMax) return machine;
  const [quota, period] = cpuMax.trim().split(/\s+/);
  if (!quota || quota === 'max' || !period) return machine;
  const q = Number(quota);
  const p = Number(period);
  if (!(q > 0 && p > 0)) return machine;
  return Math.max(1, Math.min(machine, Math.ceil(q / p)));
}

function readCpuMax(): string | null {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8');
  } catch {
    return null;
  }
}

/** GATEWAY_WORKERS → a number of worker processes (1 = no cluster). */
export function parseWorkers(raw: string | undefined, options: { production: boolean; cpus: number }): number {
  const value = raw ?? (options.production ? 'auto' : '1');
  if (value === 'auto') return Math.max(1, options.cpus);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`GATEWAY_WORKERS must be auto or a positive integer, not ${value}`);
  return n;
}

const METRICS_REQUEST = 'creditbank:metrics:request';
const METRICS_RESPONSE = 'creditbank:metrics:response';

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}
interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: number;
  body?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(m: unknown, type: T['type']): m is T {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
}

export interface PrimaryOptions {
  workers: number;
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Forks a worker (tests pass a stand-in). */
  fork?: () => Worker;
  /** Ends the primary (tests pass a stand-in). */
  exit?: (code: number) => void;
  /** Restart back-off, ms (doubles up to 30 s while workers keep dying young). */
  restartDelayMs?: number;
}

export interface Primary {
  /** Stop: SIGTERM to every worker (each drains in-flight requests), wait, then exit. */
  shutdown(signal: NodeJS.Signals): Promise<number>;
  workers(): readonly Worker[];
}

/**
 * The cluster primary. It serves no requests itself: the workers share the port (the primary hands
 * them connections). It keeps the process's runtime semantics: SIGTERM/SIGINT drain every worker
 * within SHUTDOWN_TIMEOUT_MS and exit 0 (1 if a worker had to be killed or failed); a worker that dies
 * is replaced; /metrics on any worker answers for the whole cluster (aggregated here).
 */
export function runPrimary(options: PrimaryOptions): Primary {
  const { logger } = options;
  const fork = options.fork ?? (() => cluster.fork());
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const aggregator = new AggregatorRegistry();
  const live = new Set<Worker>();
  let stopping: Promise<number> | null = null;
  let delay = options.restartDelayMs ?? 1_000;

  const start = () => {
    const worker = fork();
    const startedAt = Date.now();
    live.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isMessage<MetricsRequest>(message, METRICS_REQUEST)) return;
      aggregator.clusterMetrics().then(
        (body) => worker.send({ type: METRICS_RESPONSE, id: message.id, body } satisfies MetricsResponse),
        (error: unknown) => worker.send({ type: METRICS_RESPONSE, id: message.id, error: String(error) } satisfies MetricsResponse),
      );
    });
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker died; replacing it');
      if (Date.now() - startedAt > 60_000) delay = options.restartDelayMs ?? 1_000;
      setTimeout(start, delay).unref();
      delay = Math.min(delay * 2, 30_000);
    });
  };
  for (let i = 0; i < options.workers; i += 1) start();
  logger.info({ workers: options.workers }, 'gateway cluster started');

  const shutdown = (signal: NodeJS.Signals): Promise<number> => {
    stopping ??= new Promise<number>((resolve) => {
      logger.info({ signal, workers: live.size }, 'shutting down gateway workers');
      let failed = false;
      const pending = [...live].map(
        (w) =>
          new Promise<void>((done) => {
            if (w.isDead()) return done();
            w.once('exit', (code) => {
              if (code !== 0) failed = true;
              done();
            });
            w.process.kill('SIGTERM');
          }),
      );
      const deadline = setTimeout(() => {
        logger.error({ shutdownTimeoutMs: options.shutdownTimeoutMs }, 'shutdown deadline passed; killing workers');
        for (const w of live) w.process.kill('SIGKILL');
        resolve(1);
      }, options.shutdownTimeoutMs + 1_000);
      deadline.unref();
      void Promise.all(pending).then(() => {
        clearTimeout(deadline);
        resolve(failed ? 1 : 0);
      });
    }).then((code) => {
      logger.info({ code }, 'stopped');
      logger.flush();
      exit(code);
      return code;
    });
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return { shutdown, workers: () => [...live] };
}

/**
 * In a worker: the cluster's metrics, aggregated by the primary. The worker's own registries must be
 * registered so the primary can collect them.
 */
export function clusterMetricsSource(registry: Registry, timeoutMs = 5_000): () => Promise<string> {
  // Constructing one installs prom-client's worker-side listener that answers the primary.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const waiting = new Map<number, { resolve: (body: string) => void; reject: (e: Error) => void }>();
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, METRICS_RESPONSE)) return;
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.body !== undefined) w.resolve(message.body);
    else w.reject(new Error(message.error ?? 'cluster metrics failed'));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = (next += 1);
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('cluster metrics timed out'));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}
