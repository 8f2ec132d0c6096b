import { loadEnv } from '@creditbank/config';
import { generateInitialPassword, hashPassword } from '@creditbank/auth';
import {
  allReady,
  createServiceKit,
  createSubgraphServer,
  loadSchemaFile,
  runMain,
  startComponents,
  type StartedService,
} from '@creditbank/server';
import { accountEnvSchema } from './env';
import { buildAccountContext } from './graphql/context';
import { accountResolvers } from './graphql/resolvers';
import { createLearnerRepository } from './persistence/learner.repository';
import { LEARNERS_COLLECTION } from './persistence/learner.model';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the account service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(accountEnvSchema, source);
  const kit = createServiceKit('account', env);

  const learners = createLearnerRepository(kit.mongo.connection, kit.outboxSignal);
  const relay = kit.outboxRelay([LEARNERS_COLLECTION]);

  const components = [kit.mongo, kit.topics, kit.publisher, relay];
  const server = createSubgraphServer({
    service: 'account',
    typeDefs,
    resolvers: accountResolvers(),
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: buildAccountContext({
      learners,
      passwords: { hash: hashPassword },
      generatePassword: generateInitialPassword,
      idHashKey: env.ID_HASH_KEY,
    }),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
