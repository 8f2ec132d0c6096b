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
import { standardsEnvSchema } from './env';
import { catalogResolvers } from './graphql/catalog.resolver';
import { standardsPolicy } from './graphql/policy';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the standards service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(standardsEnvSchema, source);
  const kit = createServiceKit('standards', env);

  const components = [kit.mongo, kit.topics, kit.publisher];
  const server = createSubgraphServer({
    service: 'standards',
    typeDefs,
    resolvers: catalogResolvers,
    policy: standardsPolicy,
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
