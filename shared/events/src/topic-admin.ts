import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { dlqTopic } from '@creditbank/contracts';

export interface EnsureTopicsOptions {
  topics: readonly string[];
  prefix?: string;
  partitions?: number;
  /** Also create `<topic>.dlq` beside each topic. */
  withDlq?: boolean;
}

/**
 * Create missing topics (local development and tests; production declares them as Strimzi
 * KafkaTopic resources). Safe to call concurrently from several services.
 */
export async function ensureTopics(kafka: Kafka, options: EnsureTopicsOptions): Promise<void> {
  const prefix = options.prefix ?? '';
  const wanted = new Set<string>();
  for (const t of options.topics) {
    wanted.add(prefix + t);
    if (options.withDlq ?? true) wanted.add(prefix + dlqTopic(t));
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      const existing = new Set(await admin.listTopics());
      const missing = [...wanted].filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: options.partitions ?? 3, replicationFactor: 1 })),
        });
        return;
      } catch (error) {
        // Another service (or replica) created some of them at the same moment, and the broker may not
        // host their partitions yet ("does not host this topic-partition"): look again shortly.
        if (attempt >= 20) throw error;
        await sleep(250 * Math.min(8, attempt + 1));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Delete topics by prefix (test clean-up). */
export async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  if (prefix.length < 4) throw new Error('refusing to delete topics with a short prefix');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}
