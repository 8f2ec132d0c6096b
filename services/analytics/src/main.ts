import { loadEnv } from '@creditbank/config';
import {
  allReady,
  createServiceKit,
  createSubgraphServer,
  loadSchemaFile,
  mergeResolvers,
  runMain,
  startComponents,
  type StartedService,
} from '@creditbank/server';
import { analyticsEnvSchema } from './env';
import { buildAnalyticsContext } from './graphql/context';
import { nodeStatsResolvers } from './graphql/node-stats.resolver';
import { createAccountFactRepository } from './persistence/account-fact.repository';
import { learnerAccountOpenedHandler } from './events/learner-account-opened.handler';
import { analyticsPolicy } from './graphql/policy';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the analytics service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(analyticsEnvSchema, source);
  const kit = createServiceKit('analytics', env);

  const accountFacts = createAccountFactRepository(kit.mongo.connection);
  const readModels = kit.consumer('read-models', [learnerAccountOpenedHandler(accountFacts)]);

  const components = [kit.mongo, kit.topics, kit.publisher, readModels];
  const server = createSubgraphServer({
    service: 'analytics',
    typeDefs,
    resolvers: mergeResolvers(nodeStatsResolvers),
    policy: analyticsPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: buildAnalyticsContext({ accountFacts }),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
