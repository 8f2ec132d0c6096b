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
import { networkEnvSchema } from './env';
import { buildNetworkContext } from './graphql/context';
import { serviceNodeResolvers } from './graphql/service-node.resolver';
import { learnerResolvers } from './graphql/learner.resolver';
import { createLearnerOriginRepository, createServiceNodeRepository } from './persistence/service-node.repository';
import { learnerAccountOpenedHandler } from './events/learner-account-opened.handler';
import { networkPolicy } from './graphql/policy';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the intake-network service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(networkEnvSchema, source);
  const kit = createServiceKit('intake-network', env);

  const nodes = createServiceNodeRepository(kit.mongo.connection);
  const origins = createLearnerOriginRepository(kit.mongo.connection);
  const accountEvents = kit.consumer('account-events', [learnerAccountOpenedHandler(origins)]);

  const components = [kit.mongo, kit.topics, kit.publisher, accountEvents];
  const server = createSubgraphServer({
    service: 'intake-network',
    typeDefs,
    resolvers: mergeResolvers(serviceNodeResolvers, learnerResolvers),
    policy: networkPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: buildNetworkContext({ nodes, origins }),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
