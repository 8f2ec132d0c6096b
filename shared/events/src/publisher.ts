import type { Kafka, Producer, IHeaders } from 'kafkajs';
import type { Component } from '@creditbank/kernel';

const MAX_REQUEST_BYTES = 512 * 1024;

export interface RawRecord {
  /** Logical topic (without the test prefix). */
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: IHeaders;
}

export interface KafkaPublisher extends Component {
  /** Send records and wait for acks from all in-sync replicas. Order is kept per topic and key. */
  send(records: readonly RawRecord[]): Promise<void>;
}

/**
 * Low-level publisher used by the outbox relay and the dead-letter path. Services never publish
 * domain events with it directly: state changes go through the outbox.
 */
export function createKafkaPublisher(kafka: Kafka, options: { topicPrefix?: string } = {}): KafkaPublisher {
  const prefix = options.topicPrefix ?? '';
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  return {
    name: 'kafka-publisher',
    async start() {
      await producer.connect();
      connected = true;
    },
    async stop() {
      await producer.disconnect();
      connected = false;
    },
    async ready() {
      return connected;
    },
    async send(records) {
      if (records.length === 0) return;
      const byTopic = new Map<string, RawRecord[]>();
      for (const r of records) {
        const list = byTopic.get(r.topic) ?? [];
        list.push(r);
        byTopic.set(r.topic, list);
      }
      // Requests stay well under the broker's message.max.bytes (1 MiB by default); order within a
      // topic (and so within a key) is kept because chunks are sent one after the other.
      let chunk: Array<{ topic: string; messages: Array<{ key: RawRecord['key']; value: RawRecord['value']; headers: IHeaders }> }> = [];
      let bytes = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        await producer.sendBatch({ acks: -1, topicMessages: chunk });
        chunk = [];
        bytes = 0;
      };
      for (const [topic, list] of byTopic) {
        for (const r of list) {
          const size = (r.value?.length ?? 0) + (r.key?.length ?? 0) + 64;
          if (bytes + size > MAX_REQUEST_BYTES) await flush();
          let entry = chunk.find((c) => c.topic === prefix + topic);
          if (!entry) {
            entry = { topic: prefix + topic, messages: [] };
            chunk.push(entry);
          }
          entry.messages.push({ key: r.key, value: r.value, headers: r.headers ?? {} });
          bytes += size;
        }
      }
      await flush();
    },
  };
}
