import { testInfra } from './infra';
import type { TestNamespace } from './namespace';
import { randomBytes } from 'node:crypto';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, testCertificateKeyEnv, testJwks, testSigningKeyEnv } from './tokens';

/** Per test process: keys for personal data and the ID hash (never the development defaults). */
const PII_KEYS = JSON.stringify({ t1: randomBytes(32).toString('base64') });
const ID_HASH_KEY = randomBytes(24).toString('hex');

/** The environment a service gets under test: shared infra, its namespace, the test JWKS, a free port. */
export function serviceTestEnv(ns: TestNamespace, service: string, extra: Record<string, string> = {}): Record<string, string> {
  const { mongodbUri, kafkaBrokers } = testInfra();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
    HOST: '127.0.0.1',
    PORT: '0',
    MONGODB_URI: mongodbUri,
    MONGODB_DB: ns.dbName(service),
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    KAFKA_CREATE_TOPICS: 'true',
    KAFKA_TOPIC_PARTITIONS: '2',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    OUTBOX_POLL_MS: '200',
    JWT_ISSUER: TEST_JWT_ISSUER,
    JWT_AUDIENCE: TEST_JWT_AUDIENCE,
    JWT_JWKS: testJwks(),
    ...testSigningKeyEnv(),
    ...testCertificateKeyEnv(),
    ...(process.env['CERT_FONT_FILE'] ? { CERT_FONT_FILE: process.env['CERT_FONT_FILE'] } : {}),
    PII_KEYS,
    PII_ACTIVE_KID: 't1',
    ID_HASH_KEY,
    SHUTDOWN_TIMEOUT_MS: '15000',
    ...extra,
  };
}
