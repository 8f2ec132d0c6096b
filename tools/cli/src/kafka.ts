import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { LOCAL_KAFKA_BROKERS } from '@creditbank/config';
import { ALL_TOPICS, TOPICS } from '@creditbank/contracts';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export interface KafkaOptions {
  brokers?: string;
  prefix?: string;
}

/**
 * A Kafka client from options and the same environment variables as the services: KAFKA_BROKERS,
 * KAFKA_SSL (+ KAFKA_SSL_CA_FILE) and KAFKA_SASL_MECHANISM / KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
 */
export function kafkaFrom(options: KafkaOptions, clientId: string): Kafka {
  const env = process.env;
  const brokers = (options.brokers ?? env['KAFKA_BROKERS'] ?? LOCAL_KAFKA_BROKERS).split(',').map((b) => b.trim());
  const config: KafkaConfig = { brokers, clientId, logLevel: logLevel.NOTHING, retry: { retries: 3 } };
  if (/^(1|true|yes)$/i.test(env['KAFKA_SSL'] ?? ''))
    config.ssl = env['KAFKA_SSL_CA_FILE'] ? { ca: [readFileSync(env['KAFKA_SSL_CA_FILE'], 'utf8')] } : true;
  const mechanism = env['KAFKA_SASL_MECHANISM'];
  if (mechanism) {
    if (!['scram-sha-512', 'scram-sha-256', 'plain'].includes(mechanism)) throw new Error(`unsupported KAFKA_SASL_MECHANISM ${mechanism}`);
    config.sasl = {
      mechanism,
      username: env['KAFKA_SASL_USERNAME'] ?? '',
      password: env['KAFKA_SASL_PASSWORD'] ?? '',
    } as KafkaConfig['sasl'];
  }
  return new Kafka(config);
}

/** Accept a full topic name or its short form (`account`, `outcome`, …). */
export function resolveTopic(name: string): string {
  if ((ALL_TOPICS as readonly string[]).includes(name)) return name;
  const short = TOPICS[name as keyof typeof TOPICS];
  if (short) return short;
  throw new Error(`unknown topic ${name}; one of: ${ALL_TOPICS.join(', ')} (or ${Object.keys(TOPICS).join(', ')})`);
}

/** High watermarks of a topic now: where "caught up" is. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}
