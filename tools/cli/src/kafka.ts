import { Kafka, logLevel } from 'kafkajs';
import { LOCAL_KAFKA_BROKERS } from '@creditbank/config';
import { ALL_TOPICS, TOPICS } from '@creditbank/contracts';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export interface KafkaOptions {
  brokers?: string;
  prefix?: string;
}

export function kafkaFrom(options: KafkaOptions, clientId: string): Kafka {
  const brokers = (options.brokers ?? process.env['KAFKA_BROKERS'] ?? LOCAL_KAFKA_BROKERS).split(',').map((b) => b.trim());
  return new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
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
