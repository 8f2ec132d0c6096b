import { readFileSync } from 'node:fs';
import type { Collection, Document } from 'mongodb';
import { ALL_TOPICS } from '@creditbank/contracts';
import type { BaseServiceEnv, ServiceName } from '@creditbank/config';
import { createTokenVerifier, parseJwks, type TokenVerifier } from '@creditbank/auth';
import type { Component } from '@creditbank/kernel';
import { createLogger, type Logger } from '@creditbank/logging';
import { createMongo, isTransientDatabaseError, type MongoComponent } from '@creditbank/mongo';
import {
  createBulkOutbox,
  createEventConsumer,
  createEventMetrics,
  createKafkaClient,
  createKafkaPublisher,
  createOutboxRelay,
  createOutboxSignal,
  ensureTopics,
  type BulkOutbox,
  type EventConsumer,
  type EventMetrics,
  type HandlerRegistration,
  type Kafka,
  type KafkaConfig,
  type KafkaPublisher,
  type OutboxRelay,
  type OutboxSignal,
} from '@creditbank/events';
import { createMetricsRegistry, type HttpMetrics } from './metrics';

/**
 * The standard parts every service wires in its `main.ts`: logger, metrics, token verifier, its
 * database, Kafka (topics, publisher, outbox relay, idempotent consumers). Creating them does no
 * I/O; starting them (in the order main.ts lists them) does.
 */
export interface ServiceKit {
  readonly service: ServiceName;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  readonly eventMetrics: EventMetrics;
  readonly verifier: TokenVerifier;
  readonly mongo: MongoComponent;
  readonly kafka: Kafka;
  readonly topics: Component;
  readonly publisher: KafkaPublisher;
  readonly outboxSignal: OutboxSignal;
  /** Bulk inserts with their events (`@creditbank/events` bulk-outbox), published by this kit's relay. */
  readonly bulkOutbox: BulkOutbox;
  readonly production: boolean;
  /** The relay over the collections whose documents carry outboxes. */
  outboxRelay(collectionNames: readonly string[]): OutboxRelay;
  /** An idempotent consumer with this service's inbox and dead-letter path. */
  consumer(groupId: string, handlers: readonly HandlerRegistration[], options?: { applyConcurrency?: number }): EventConsumer;
}

export type JwtEnv = Pick<BaseServiceEnv, 'JWT_JWKS' | 'JWT_JWKS_FILE' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>;

export function loadVerifier(env: JwtEnv): TokenVerifier {
  const jwks = env.JWT_JWKS ?? readFileSync(env.JWT_JWKS_FILE as string, 'utf8');
  return createTokenVerifier({ keys: parseJwks(jwks), issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE });
}

/** Stands in for the relay in a process that must not publish (another replica relays). */
const disabledRelay: OutboxRelay = {
  name: 'outbox-relay(disabled)',
  start: async () => undefined,
  stop: async () => undefined,
  ready: async () => true,
  flush: async () => 0,
};

/** TLS and SASL settings of the Kafka client from the environment (none locally). */
export function kafkaSecurity(
  env: Pick<BaseServiceEnv, 'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>,
): Partial<KafkaConfig> {
  const extra: Partial<KafkaConfig> = {};
  if (env.KAFKA_SSL)
    extra.ssl = env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')], rejectUnauthorized: true } : true;
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD) {
    extra.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    } as KafkaConfig['sasl'];
  }
  return extra;
}

export function createServiceKit(service: ServiceName, env: BaseServiceEnv): ServiceKit {
  const logger = createLogger({ service, level: env.LOG_LEVEL });
  const metrics = createMetricsRegistry(service);
  const eventMetrics = createEventMetrics(metrics.registry);
  const mongo = createMongo({
    uri: env.MONGODB_URI,
    dbName: env.MONGODB_DB,
    poolSize: env.MONGODB_POOL_SIZE,
    appName: service,
    logger,
    registry: metrics.registry,
  });
  const kafka = createKafkaClient({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID, logger, extra: kafkaSecurity(env) });
  const publisher = createKafkaPublisher(kafka, { topicPrefix: env.KAFKA_TOPIC_PREFIX });
  const outboxSignal = createOutboxSignal();
  const collection = (name: string) => mongo.connection.collection(name) as unknown as Collection<Document>;
  const bulkOutbox = createBulkOutbox({ collection, signal: outboxSignal });

  const topics: Component = {
    name: 'kafka-topics',
    async start() {
      if (env.KAFKA_CREATE_TOPICS) {
        await ensureTopics(kafka, { topics: ALL_TOPICS, prefix: env.KAFKA_TOPIC_PREFIX, partitions: env.KAFKA_TOPIC_PARTITIONS });
      }
    },
    async stop() {},
    async ready() {
      return true;
    },
  };

  return {
    service,
    logger,
    metrics,
    eventMetrics,
    verifier: loadVerifier(env),
    mongo,
    kafka,
    topics,
    publisher,
    outboxSignal,
    bulkOutbox,
    production: env.NODE_ENV === 'production',
    outboxRelay(collectionNames) {
      if (!env.OUTBOX_RELAY_ENABLED) return disabledRelay;
      return createOutboxRelay({
        collections: () => collectionNames.map(collection),
        publisher,
        signal: outboxSignal,
        bulk: { outbox: bulkOutbox, collection },
        logger,
        metrics: eventMetrics,
        pollMs: env.OUTBOX_POLL_MS,
      });
    },
    consumer(groupId, handlers, consumerOptions) {
      return createEventConsumer({
        ...(consumerOptions?.applyConcurrency ? { applyConcurrency: consumerOptions.applyConcurrency } : {}),
        kafka,
        groupId: `${service}.${groupId}`,
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
        handlers,
        inbox: () => collection('inbox'),
        dlq: publisher,
        logger,
        metrics: eventMetrics,
        isTransient: isTransientDatabaseError,
        dependenciesHealthy: () => mongo.ready(),
        sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
        maxMessageBytes: env.KAFKA_CONSUMER_MAX_MESSAGE_BYTES,
      });
    },
  };
}
