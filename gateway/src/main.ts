import cluster from 'node:cluster';
import pino from 'pino';
import { loadEnv } from '@creditbank/config';
import { createLogger } from '@creditbank/logging';
import { createMetricsRegistry, loadVerifier, runMain, startComponents, type StartedService } from '@creditbank/server';
import { availableCpus, clusterMetricsSource, parseWorkers, runPrimary } from './cluster';
import { gatewayEnvSchema, type GatewayEnv } from './env';
import { createGatewayServer, type GatewayTuning } from './gateway';

/** Options only embedders pass (benchmarks, tools); the gateway process itself never sets them. */
export interface GatewayOverrides {
  /** Serve a supergraph whose subgraphs are not ours, at the URLs it names. */
  subgraphUrlsFromSupergraph?: boolean;
  tuning?: Partial<GatewayTuning>;
}

export { createGatewayServer, resolveSubgraphUrl, type GatewayTuning } from './gateway';
export { gatewayEnvSchema, type GatewayEnv } from './env';
export { availableCpus, parseWorkers, runPrimary, clusterMetricsSource } from './cluster';
export { cacheHitRate } from './counting-cache';

// The gateway never reports to Apollo's services (the machine may have no route out anyway).
process.env['APOLLO_TELEMETRY_DISABLED'] = '1';

/** Log lines are written asynchronously (flushed on shutdown): no write(2) on a request's path. */
const asyncStdout = () => pino.destination({ dest: 1, sync: false });

/** The only wiring point of the gateway: env → supergraph → server → probes. */
export async function main(
  source: Record<string, string | undefined> = process.env,
  overrides: GatewayOverrides = {},
): Promise<StartedService> {
  const env = loadEnv(gatewayEnvSchema, source);
  const logger = createLogger({
    service: 'gateway',
    level: env.LOG_LEVEL,
    ...(env.NODE_ENV === 'production' ? { destination: asyncStdout() } : {}),
  });
  const metrics = createMetricsRegistry('gateway');
  const server = createGatewayServer({
    env,
    logger,
    verifier: loadVerifier(env),
    metrics,
    ...(overrides.subgraphUrlsFromSupergraph ? { subgraphUrlsFromSupergraph: true } : {}),
    ...(overrides.tuning ? { tuning: overrides.tuning } : {}),
    ...(cluster.isWorker ? { metricsText: clusterMetricsSource(metrics.registry) } : {}),
  });
  const runtime = await startComponents([server], logger);
  return { runtime, url: server.url(), logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

/**
 * The gateway process: with GATEWAY_WORKERS > 1 this process becomes the cluster primary (it forks
 * the workers, forwards SIGTERM to them and waits for their drain); each worker, or the single
 * process, runs `main` under the usual runtime (SIGTERM → drain → exit 0).
 */
export function runGateway(source: Record<string, string | undefined> = process.env, overrides: GatewayOverrides = {}): void {
  if (cluster.isPrimary) {
    let workers: number;
    let env: GatewayEnv;
    try {
      env = loadEnv(gatewayEnvSchema, source);
      workers = parseWorkers(env.GATEWAY_WORKERS, { production: env.NODE_ENV === 'production', cpus: availableCpus() });
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    if (workers > 1) {
      const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });
      runPrimary({ workers, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS, logger });
      return;
    }
  } else {
    // A worker whose primary is gone stops like on SIGTERM (drains, then exits).
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  runMain(() => main(source, overrides));
}

if (require.main === module) runGateway();
