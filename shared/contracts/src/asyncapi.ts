import { CONSUMED_TOPICS, DLQ_SUFFIX, SERVICES, TOPIC_OF_SERVICE, type Service, type TopicName } from './topics';
import { EVENT_CATALOG } from './catalog';
import { STRUCTURED_CONTENT_TYPE, anyEnvelopeSchema } from './envelope';
import type { EventDefinition } from './event-definition';

/**
 * The AsyncAPI 3 document of the platform's event streams, generated from the event catalogue and
 * the topic constants (the single source of truth). Data teams read it; `npm run events:docs`
 * writes it to docs/asyncapi.yaml and a test fails when that file is stale.
 */
type Json = Record<string, unknown>;

/** TypeBox schemas carry symbol keys; JSON round-trip leaves plain JSON Schema. */
const plain = (schema: unknown): Json => JSON.parse(JSON.stringify(schema)) as Json;

const pascal = (s: string) => s.replace(/(^|[-._])([a-z0-9])/g, (_m, _p, c: string) => c.toUpperCase());

/** `creditbank.learner.account-opened.v1` → `LearnerAccountOpenedV1`. */
export function messageId(type: string): string {
  return pascal(type.replace(/^creditbank\./, ''));
}

function channelId(topic: string): string {
  return topic
    .replace(/^creditbank\./, '')
    .replace(/\.v(\d+)/, 'V$1')
    .replace(/\.dlq$/, 'Dlq');
}

/** Which data field the partition key is (the key is derived from the example by the definition). */
function keyField(def: EventDefinition): string {
  const key = def.key(def.example);
  const field = Object.entries(def.example as Json).find(([, v]) => v === key)?.[0];
  return field ? `data.${field}` : 'the entity id';
}

function producerOf(topic: TopicName): Service {
  return (Object.entries(TOPIC_OF_SERVICE) as Array<[Service, TopicName]>).find(([, t]) => t === topic)![0];
}

export function buildAsyncApiDocument(version: string): Json {
  const topics = [...new Set(EVENT_CATALOG.map((d) => d.topic))].sort();
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const schemas: Json = {
    CloudEventEnvelope: {
      ...plain(anyEnvelopeSchema),
      description: 'CloudEvents 1.0 structured JSON envelope; `data` is the event-specific payload.',
    },
  };

  for (const def of EVENT_CATALOG) {
    const id = messageId(def.type);
    schemas[`${id}Data`] = { ...plain(def.data), description: def.description };
    const envelope = plain(anyEnvelopeSchema) as Json & { properties: Json };
    envelope.properties = { ...envelope.properties, type: { const: def.type }, data: { $ref: `#/components/schemas/${id}Data` } };
    schemas[id] = envelope;
    const example = {
      specversion: '1.0',
      id: '7d1a5a8e-9b0c-4f3e-8a57-2b9d0c1e4f60',
      source: `/creditbank/${def.producer}`,
      type: def.type,
      time: '2026-11-27T08:00:00.000Z',
      subject: def.subject(def.example),
      datacontenttype: 'application/json',
      province: '33',
      data: def.example,
    };
    messages[id] = {
      name: def.type,
      title: def.type,
      summary: def.description,
      contentType: STRUCTURED_CONTENT_TYPE,
      headers: {
        type: 'object',
        properties: {
          'content-type': { type: 'string', const: STRUCTURED_CONTENT_TYPE },
          traceparent: { type: 'string', description: 'W3C trace context of the change, when there was one' },
        },
      },
      payload: { $ref: `#/components/schemas/${id}` },
      bindings: { kafka: { key: { type: 'string', description: `Partition key: ${keyField(def)}` }, bindingVersion: '0.5.0' } },
      examples: [{ name: 'example', headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, payload: example }],
    };
  }

  for (const topic of topics) {
    const defs = EVENT_CATALOG.filter((d) => d.topic === topic);
    const cid = channelId(topic);
    const producer = producerOf(topic);
    const consumers = SERVICES.filter((s) => CONSUMED_TOPICS[s].includes(topic));
    channels[cid] = {
      address: topic,
      title: topic,
      description: `Events of the ${producer} service. Ordered per partition key. Consumed by: ${consumers.join(', ')}.`,
      messages: Object.fromEntries(defs.map((d) => [messageId(d.type), { $ref: `#/components/messages/${messageId(d.type)}` }])),
    };
    channels[`${cid}Dlq`] = {
      address: `${topic}${DLQ_SUFFIX}`,
      title: `${topic}${DLQ_SUFFIX}`,
      description:
        'Dead letters of consumers of this topic: the original key, bytes and headers, plus dlq-reason, dlq-error, dlq-topic, dlq-partition, dlq-offset, dlq-group and dlq-at headers. Replay with `creditbank events replay-dlq`.',
    };
    operations[`${cid}Publish`] = {
      action: 'send',
      channel: { $ref: `#/channels/${cid}` },
      title: `${producer} publishes`,
      summary: `Published by the ${producer} service through its transactional outbox (at-least-once; deduplicate by event id).`,
      messages: defs.map((d) => ({ $ref: `#/channels/${cid}/messages/${messageId(d.type)}` })),
    };
    for (const consumer of consumers) {
      operations[`${cid}ConsumedBy${pascal(consumer)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${cid}` },
        title: `${consumer} consumes`,
        summary: `Consumed idempotently by the ${consumer} service (consumer groups ${consumer}.*).`,
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Credit Bank Platform event streams',
      version,
      description:
        'The Kafka event streams of the lifelong-learning credit bank (学分银行). One topic per owning service, CloudEvents 1.0 structured JSON, a JSON Schema per event type, PII-minimised: no resident ID numbers, names or phone numbers. Delivery is at-least-once: deduplicate by the CloudEvents `id`. See docs/data-teams.md.',
    },
    defaultContentType: STRUCTURED_CONTENT_TYPE,
    servers: {
      production: {
        host: 'creditbank-kafka-kafka-bootstrap.kafka.svc:9093',
        protocol: 'kafka-secure',
        description: 'Strimzi-managed cluster (TLS + SCRAM-SHA-512 users from k8s/); ask the platform team for a read-only user.',
      },
      local: { host: '127.0.0.1:19092', protocol: 'kafka', description: 'The local broker started by `npm run infra -- up`.' },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}
