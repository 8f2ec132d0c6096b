import type { KafkaMessage } from 'kafkajs';
import { parseEvent } from '@creditbank/contracts';
import { endOffsets, kafkaFrom, resolveTopic, type KafkaOptions } from '../kafka';

export interface TailOptions extends KafkaOptions {
  fromBeginning?: boolean;
  type?: string;
  /** Stop after this many messages. */
  limit?: number;
  /** Stop when caught up with the messages that existed at start (with fromBeginning). */
  untilCaughtUp?: boolean;
  json?: boolean;
}

export interface TailLine {
  partition: number;
  offset: string;
  key: string | null;
  valid: boolean;
  type: string | null;
  error?: string;
  event?: unknown;
}

function describe(partition: number, message: KafkaMessage): TailLine {
  const parsed = parseEvent(message.value);
  const key = message.key?.toString() ?? null;
  if (parsed.ok) return { partition, offset: message.offset, key, valid: true, type: parsed.event.type, event: parsed.event };
  let type: string | null = null;
  try {
    type = (JSON.parse(message.value?.toString() ?? '') as { type?: string }).type ?? null;
  } catch {
    type = null;
  }
  return { partition, offset: message.offset, key, valid: false, type, error: `${parsed.reason}: ${parsed.error}` };
}

export function formatLine(line: TailLine): string {
  const head = `${line.valid ? '✔' : '✘'} p${line.partition}@${line.offset} ${line.type ?? '(no type)'} key=${line.key ?? '-'}`;
  if (!line.valid) return `${head}\n    ${line.error}`;
  const e = line.event as { time: string; subject: string; province: string; data: unknown };
  return `${head}\n    ${e.time} ${e.subject} province=${e.province}\n    ${JSON.stringify(e.data)}`;
}

/** Read a topic and report every message: valid against its schema or not, pretty or as JSON lines. */
export async function tailEvents(
  topicName: string,
  options: TailOptions,
  write: (s: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const topic = (options.prefix ?? '') + resolveTopic(topicName);
  const kafka = kafkaFrom(options, 'creditbank-cli-tail');
  const ends = options.untilCaughtUp ? await endOffsets(kafka, topic) : null;
  const remaining = new Map([...(ends ?? new Map<number, bigint>())].filter(([, high]) => high > 0n));
  const consumer = kafka.consumer({ groupId: `creditbank-cli-tail-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 500 });
  let seen = 0;
  let invalid = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  signal?.addEventListener('abort', () => finish());
  if (ends && remaining.size === 0) finish();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const line = describe(partition, message);
        const wanted = !options.type || line.type === options.type;
        if (wanted) {
          seen++;
          if (!line.valid) invalid++;
          write(options.json ? JSON.stringify(line) : formatLine(line));
        }
        const high = remaining.get(partition);
        if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
        if ((options.limit && seen >= options.limit) || (ends && remaining.size === 0)) finish();
      },
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return invalid;
}
