import { loadEnv } from '@creditbank/config';
import { createLogger } from '@creditbank/logging';
import { createMetricsRegistry, loadVerifier, runMain, startComponents, type StartedService } from '@creditbank/server';
import { gatewayEnvSchema } from './env';
import { createGatewayServer } from './gateway';

// The gateway never reports to Apollo's services (the machine may have no route out anyway).
process.env['APOLLO_TELEMETRY_DISABLED'] = '1';

/** The only wiring point of the gateway: env → supergraph → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(gatewayEnvSchema, source);
  const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });
  const server = createGatewayServer({
    env,
    logger,
    verifier: loadVerifier(env),
    metrics: createMetricsRegistry('gateway'),
  });
  const runtime = await startComponents([server], logger);
  return { runtime, url: server.url(), logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
