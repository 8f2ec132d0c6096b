import type { IHeaders } from 'kafkajs';
import { dlqTopic } from '@creditbank/contracts';
import { endOffsets, kafkaFrom, resolveTopic, type KafkaOptions } from '../kafka';

export interface ReplayOptions extends KafkaOptions {
  dryRun?: boolean;
  /** Only dead letters of this reason (e.g. handler-failed). */
  reason?: string;
}

export interface ReplayResult {
  replayed: number;
  skipped: number;
}

const DLQ_HEADERS = ['dlq-reason', 'dlq-error', 'dlq-topic', 'dlq-partition', 'dlq-offset', 'dlq-group', 'dlq-at'];

/**
 * Re-publish the dead letters of a topic to the topic itself, after the consumer was fixed. Progress
 * is the committed offset of the group `creditbank-cli.replay-dlq.<topic>`, so running it again
 * replays only what arrived since; the events keep their ids, so consumers that did apply one
 * earlier skip it.
 */
export async function replayDlq(topicName: string, options: ReplayOptions, write: (s: string) => void): Promise<ReplayResult> {
  const base = (options.prefix ?? '') + resolveTopic(topicName);
  const source = dlqTopic(base);
  const kafka = kafkaFrom(options, 'creditbank-cli-replay');
  const ends = await endOffsets(kafka, source);
  const groupId = `${options.prefix ?? ''}creditbank-cli.replay-dlq.${resolveTopic(topicName)}`;
  const admin = kafka.admin();
  await admin.connect();
  const committed = new Map<number, bigint>();
  try {
    for (const t of await admin.fetchOffsets({ groupId, topics: [source] })) {
      for (const p of t.partitions) committed.set(p.partition, BigInt(p.offset === '-1' ? '0' : p.offset));
    }
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map([...ends].filter(([partition, high]) => high > (committed.get(partition) ?? 0n)));
  const result: ReplayResult = { replayed: 0, skipped: 0 };
  if (remaining.size === 0) {
    write(`nothing to replay from ${source}`);
    return result;
  }
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  await producer.connect();
  await consumer.connect();
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  try {
    await consumer.subscribe({ topic: source, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const headers: IHeaders = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (!DLQ_HEADERS.includes(k) && v !== undefined) headers[k] = v;
        const reason = message.headers?.['dlq-reason']?.toString();
        const target = message.headers?.['dlq-topic']?.toString() ?? base;
        const targetTopic = target.startsWith(options.prefix ?? '') ? target : (options.prefix ?? '') + target;
        if (options.reason && reason !== options.reason) {
          result.skipped++;
        } else if (options.dryRun) {
          write(`would replay p${partition}@${message.offset} (${reason}) → ${targetTopic}`);
          result.replayed++;
        } else {
          headers['dlq-replayed-from'] = `${source}/${partition}/${message.offset}`;
          await producer.send({ topic: targetTopic, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
          result.replayed++;
          write(`replayed p${partition}@${message.offset} (${reason}) → ${targetTopic}`);
        }
        if (!options.dryRun) await consumer.commitOffsets([{ topic: source, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        const high = remaining.get(partition);
        if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
        if (remaining.size === 0) finish();
      },
    });
    await done;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return result;
}
