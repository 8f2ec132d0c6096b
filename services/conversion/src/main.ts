import { loadEnv } from '@creditbank/config';
import {
  allReady,
  createServiceKit,
  createSubgraphServer,
  loadSchemaFile,
  runMain,
  startComponents,
  type StartedService,
} from '@creditbank/server';
import { conversionEnvSchema } from './env';
import { ruleResolvers } from './graphql/rule.resolver';
import { conversionPolicy } from './graphql/policy';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the conversion service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(conversionEnvSchema, source);
  const kit = createServiceKit('conversion', env);

  const components = [kit.mongo, kit.topics, kit.publisher];
  const server = createSubgraphServer({
    service: 'conversion',
    typeDefs,
    resolvers: ruleResolvers,
    policy: conversionPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: (base) => base,
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
