import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { CloudEvent } from '@creditbank/contracts';
import { testInfra } from './infra';

export interface TappedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  raw: Buffer | null;
  event: CloudEvent | null;
}

/** Reads every message of some topics (from the beginning) into memory, for assertions. */
export interface KafkaTap {
  messages: TappedMessage[];
  events(type?: string): CloudEvent[];
  stop(): Promise<void>;
}

/** `options.brokers`: another broker than the shared test one (a private instance of a fault test). */
export async function tapTopics(topics: readonly string[], options: { brokers?: string } = {}): Promise<KafkaTap> {
  const brokers = (options.brokers ?? testInfra().kafkaBrokers).split(',');
  const kafka = new Kafka({ brokers, clientId: 'test-tap', logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `tap-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  const messages: TappedMessage[] = [];
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  let joined!: () => void;
  const ready = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let event: CloudEvent | null = null;
      try {
        event = message.value ? (JSON.parse(message.value.toString()) as CloudEvent) : null;
      } catch {
        event = null;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
      messages.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers, raw: message.value, event });
    },
  });
  // A group that never forms (a broker that did not come back) fails here with a reason, not a test timeout.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`tapTopics: the tap did not join its group on ${brokers.join(',')} within 60 s`)),
          60_000,
        );
      }),
    ]);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    messages,
    events: (type) => messages.flatMap((m) => (m.event && (!type || m.event.type === type) ? [m.event] : [])),
    stop: () => consumer.disconnect(),
  };
}

/** Publish raw bytes to a topic (poison-message and redelivery tests). */
export async function publishRaw(
  topic: string,
  messages: Array<{ key?: string | null; value: string | Buffer | null; headers?: Record<string, string> }>,
): Promise<void> {
  const kafka = new Kafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'test-raw', logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key ?? null, value: m.value, headers: m.headers ?? {} })),
    });
  } finally {
    await producer.disconnect();
  }
}
