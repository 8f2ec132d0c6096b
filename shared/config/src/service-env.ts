import { z } from 'zod';
import { envBoolean, envInt, envList, envPort } from './load-env';
import { LOCAL_KAFKA_BROKERS, LOCAL_MONGODB_URI, LOCAL_PORTS, type ServiceName } from './local-defaults';

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

/** Variables every subgraph shares; each service extends this with its own (see its env.ts). */
export function serviceEnvShape(service: ServiceName) {
  const dbSuffix = service.replace(/-/g, '_');
  return {
    NODE_ENV: nodeEnv,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: envPort(LOCAL_PORTS[service]),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
      .default(LOCAL_MONGODB_URI),
    /** Database name; one per service. Tests prefix it to isolate test files. */
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only')
      .default(`creditbank_${dbSuffix}`),
    MONGODB_POOL_SIZE: envInt(20, 1, 500),
    KAFKA_BROKERS: envList(LOCAL_KAFKA_BROKERS.split(',')).refine((l) => l.length > 0, 'at least one broker'),
    KAFKA_CLIENT_ID: z.string().min(1).default(`creditbank-${service}`),
    /** Prefix for every topic and consumer group (tests use one per test file). */
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ., _ and - only')
      .default(''),
    /** Create the platform's topics at start (local and test); production uses KafkaTopic resources. */
    KAFKA_CREATE_TOPICS: envBoolean(true),
    KAFKA_TOPIC_PARTITIONS: envInt(3, 1, 1000),
    /** TLS to the brokers (production: the Strimzi TLS listener), with the cluster CA from a file. */
    KAFKA_SSL: envBoolean(false),
    KAFKA_SSL_CA_FILE: z.string().optional(),
    /** SASL authentication (production: the service's KafkaUser, SCRAM-SHA-512). */
    KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
    /** A consumer that stops heart-beating (crash) loses its partitions after this long. */
    KAFKA_SESSION_TIMEOUT_MS: envInt(10_000, 6_000, 300_000),
    /**
     * Consumers dead-letter a bigger message (key + value, bytes) unread, reason `oversized`. The
     * default matches the topics' max.message.bytes (1 MiB); lower it to refuse large events sooner.
     */
    KAFKA_CONSUMER_MAX_MESSAGE_BYTES: envInt(1_048_576, 1_024, 16_777_216),
    OUTBOX_POLL_MS: envInt(500, 10, 60_000),
    /** Run the outbox relay in this process (turn off for replicas that only serve reads). */
    OUTBOX_RELAY_ENABLED: envBoolean(true),
    JWT_ISSUER: z.string().min(1).default('creditbank'),
    JWT_AUDIENCE: z.string().min(1).default('creditbank-api'),
    /** Public keys that verify tokens: a JWKS JSON document inline... */
    JWT_JWKS: z.string().optional(),
    /** ...or a path to one. Exactly one of the two is required. */
    JWT_JWKS_FILE: z.string().optional(),
    SHUTDOWN_TIMEOUT_MS: envInt(20_000, 100, 600_000),
  } as const;
}

export function serviceEnvSchema(service: ServiceName) {
  return z.object(serviceEnvShape(service)).superRefine((env, ctx) => {
    requireJwks(env, ctx);
    requireSaslCredentials(env, ctx);
  });
}

/** A SASL mechanism needs a username and password. */
export function requireSaslCredentials(
  env: { KAFKA_SASL_MECHANISM?: string | undefined; KAFKA_SASL_USERNAME?: string | undefined; KAFKA_SASL_PASSWORD?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_USERNAME'],
      message: 'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    });
  }
}

export function requireJwks(env: { JWT_JWKS?: string | undefined; JWT_JWKS_FILE?: string | undefined }, ctx: z.RefinementCtx): void {
  if (!env.JWT_JWKS && !env.JWT_JWKS_FILE) {
    ctx.addIssue({ code: 'custom', path: ['JWT_JWKS'], message: 'set JWT_JWKS (a JWKS document) or JWT_JWKS_FILE (its path)' });
  }
}

export type BaseServiceEnv = z.infer<ReturnType<typeof serviceEnvSchema>>;
