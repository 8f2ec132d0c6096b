import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadEnv } from '@creditbank/config';
import { generateInitialPassword, hashPassword, verifyPassword } from '@creditbank/auth';
import { createPiiCipher, parsePiiKeys } from '@creditbank/identity';
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
import { accountPolicy } from './graphql/policy';
import { accountResolvers } from './graphql/resolvers';
import { LEARNERS_COLLECTION, createLearnerRepository } from './persistence/learner.repository';
import { INSTITUTIONS_COLLECTION, createInstitutionRepository } from './persistence/institution.repository';
import { STAFF_COLLECTION, createOperatorAssignmentRepository, createStaffRepository } from './persistence/staff-user.repository';
import { createIdentityVerificationClient } from './infrastructure/identity-verification.client';
import { createKeyedHashes } from './infrastructure/keyed-hashes';
import { createTokenIssuer, readPrivateKey } from './infrastructure/token-issuer';
import { createVerificationWorker } from './infrastructure/verification-worker';
import { operatorAssignedHandler, operatorUnassignedHandler } from './events/operator-assignment.handler';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the account service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(accountEnvSchema, source);
  const kit = createServiceKit('account', env);
  const jwks = env.JWT_JWKS ?? readFileSync(env.JWT_JWKS_FILE as string, 'utf8');

  const cipher = createPiiCipher(parsePiiKeys(env.PII_KEYS), env.PII_ACTIVE_KID);
  const keyed = createKeyedHashes(env.ID_HASH_KEY);
  const learners = createLearnerRepository(kit.mongo.connection, cipher, kit.outboxSignal);
  const institutions = createInstitutionRepository(kit.mongo.connection, kit.outboxSignal);
  const staff = createStaffRepository(kit.mongo.connection, kit.outboxSignal);
  const assignments = createOperatorAssignmentRepository(kit.mongo.connection);
  const verifier = createIdentityVerificationClient({
    baseUrl: env.IDV_BASE_URL,
    apiKey: env.IDV_API_KEY,
    timeoutMs: env.IDV_TIMEOUT_MS,
    logger: kit.logger,
  });
  const tokens = createTokenIssuer({
    privateKeyPem: readPrivateKey(env),
    kid: env.JWT_SIGNING_KID as string,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    ttlSeconds: env.JWT_TTL_SECONDS,
    jwks,
  });

  const relay = kit.outboxRelay([LEARNERS_COLLECTION, INSTITUTIONS_COLLECTION, STAFF_COLLECTION]);
  const networkEvents = kit.consumer('network-events', [operatorAssignedHandler(assignments), operatorUnassignedHandler(assignments)]);
  const verification = createVerificationWorker({
    learners,
    verifier,
    retryBaseMs: env.IDV_RETRY_BASE_MS,
    retryMaxMs: env.IDV_RETRY_MAX_MS,
    leaseMs: Math.max(env.IDV_TIMEOUT_MS * 3, 10_000),
    intervalMs: env.IDV_WORKER_INTERVAL_MS,
    logger: kit.logger,
  });

  const components = [kit.mongo, kit.topics, kit.publisher, relay, networkEvents, verification];
  const server = createSubgraphServer({
    service: 'account',
    typeDefs,
    resolvers: accountResolvers(),
    policy: accountPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    routes: (app) => {
      // The public keys that verify the platform's tokens (and, later, its certificates).
      app.get('/.well-known/jwks.json', (_req, res) => {
        res.setHeader('cache-control', 'public, max-age=300');
        res.type('application/jwk-set+json').send(jwks);
      });
    },
    buildContext: buildAccountContext({
      learners,
      institutions,
      staff,
      assignments,
      passwords: { hash: hashPassword, verify: verifyPassword },
      tokens,
      keyed,
      verifier,
      generatePassword: generateInitialPassword,
      lockout: { freeAttempts: env.LOGIN_FREE_ATTEMPTS, baseSeconds: env.LOGIN_LOCK_BASE_SECONDS, maxSeconds: env.LOGIN_LOCK_MAX_SECONDS },
      decoyHash: await hashPassword(randomBytes(18).toString('base64')),
      retryBaseMs: env.IDV_RETRY_BASE_MS,
      agreementVersion: env.AGREEMENT_VERSION,
    }),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
