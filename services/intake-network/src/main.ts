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
import { networkEnvSchema } from './env';
import { buildNetworkContext } from './graphql/context';
import { networkPolicy } from './graphql/policy';
import { networkResolvers } from './graphql/resolvers';
import { SERVICE_NODES_COLLECTION, createServiceNodeRepository } from './persistence/service-node.repository';
import { STAFF_COLLECTION, createStaffRepository } from './persistence/staff.repository';
import { createLearnerRepository } from './persistence/learner.repository';
import { LEARNING_PROJECTS_COLLECTION, createLearningProjectRepository } from './persistence/learning-project.repository';
import { createChinaDivisionDirectory } from './infrastructure/china-division.directory';
import { createIndexReconciler } from './infrastructure/index-reconciler';
import { createIntakePointIndex } from './persistence/intake-point-index.repository';
import { createCatalogItemRepository } from './persistence/catalog-item.repository';
import { catalogItemHandlers } from './events/catalog-item.handler';
import { learnerAccountOpenedHandler } from './events/learner-account-opened.handler';
import { learnerStatusHandlers } from './events/learner-status.handler';
import { staffUserCreatedHandler } from './events/staff-user-created.handler';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the intake-network service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(networkEnvSchema, source);
  const kit = createServiceKit('intake-network', env);

  const nodes = createServiceNodeRepository(kit.mongo.connection, kit.outboxSignal);
  const staff = createStaffRepository(kit.mongo.connection, kit.outboxSignal);
  const learners = createLearnerRepository(kit.mongo.connection);
  const projects = createLearningProjectRepository(kit.mongo.connection, kit.outboxSignal);
  const index = createIntakePointIndex(kit.mongo.connection);
  const divisions = createChinaDivisionDirectory();
  const catalog = createCatalogItemRepository(kit.mongo.connection);

  const relay = kit.outboxRelay([SERVICE_NODES_COLLECTION, STAFF_COLLECTION, LEARNING_PROJECTS_COLLECTION]);
  const accountEvents = kit.consumer('account-events', [
    learnerAccountOpenedHandler(learners),
    ...learnerStatusHandlers(learners),
    staffUserCreatedHandler({ staff, nodes }),
  ]);
  const standardsEvents = kit.consumer('standards-events', catalogItemHandlers(catalog));

  const reconciler = createIndexReconciler({ nodes, index, intervalMs: env.INDEX_RECONCILE_MS, logger: kit.logger });

  const components = [kit.mongo, kit.topics, kit.publisher, relay, accountEvents, standardsEvents, reconciler];
  const server = createSubgraphServer({
    service: 'intake-network',
    typeDefs,
    resolvers: networkResolvers(),
    policy: networkPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: buildNetworkContext({ nodes, staff, learners, projects, divisions, catalog, index }),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
