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
import { buildStandardsContext } from './graphql/context';
import { standardsPolicy } from './graphql/policy';
import { standardsResolvers } from './graphql/resolvers';
import { CATALOG_COLLECTION, createCatalogRepository } from './persistence/catalog-item.repository';
import { CREDIT_STANDARDS_COLLECTION, createCreditStandardRepository } from './persistence/credit-standard.repository';
import { ACCREDITATIONS_COLLECTION, createAccreditationRepository } from './persistence/accreditation.repository';
import { CERTIFICATIONS_COLLECTION, createCertificationRepository } from './persistence/course-certification.repository';
import { createInstitutionRepository } from './persistence/institution.repository';
import { createQualificationLevelRepository } from './persistence/qualification-level.repository';
import { institutionRegisteredHandler, institutionUpdatedHandler } from './events/institution.handler';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the standards service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(standardsEnvSchema, source);
  const kit = createServiceKit('standards', env);

  const catalog = createCatalogRepository(kit.mongo.connection, kit.outboxSignal);
  const standards = createCreditStandardRepository(kit.mongo.connection, kit.outboxSignal);
  const accreditations = createAccreditationRepository(kit.mongo.connection, kit.outboxSignal);
  const certifications = createCertificationRepository(kit.mongo.connection, kit.outboxSignal);
  const institutions = createInstitutionRepository(kit.mongo.connection);
  const levels = createQualificationLevelRepository(kit.mongo.connection);

  const relay = kit.outboxRelay([CATALOG_COLLECTION, CREDIT_STANDARDS_COLLECTION, ACCREDITATIONS_COLLECTION, CERTIFICATIONS_COLLECTION]);
  const accountEvents = kit.consumer('account-events', [
    institutionRegisteredHandler(institutions),
    institutionUpdatedHandler(institutions),
  ]);

  const components = [kit.mongo, kit.topics, kit.publisher, relay, accountEvents];
  const server = createSubgraphServer({
    service: 'standards',
    typeDefs,
    resolvers: standardsResolvers(),
    policy: standardsPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: buildStandardsContext({
      catalog,
      standards,
      levels,
      institutions,
      accreditations,
      certifications,
      requiredApprovals: env.CERTIFICATION_APPROVALS,
    }),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
