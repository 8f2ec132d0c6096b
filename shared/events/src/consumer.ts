import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Collection, Document } from 'mongodb';
import type { Static, TObject } from '@sinclair/typebox';
import { dlqTopic, parseEvent, type CloudEvent, type EventDefinition } from '@creditbank/contracts';
import type { Component } from '@creditbank/kernel';
import { runWithContext, type Logger } from '@creditbank/logging';
import type { KafkaPublisher } from './publisher';
import type { EventMetrics } from './metrics';

export interface HandlerContext {
  /** Logical topic (without a test prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  logger: Logger;
}

export type EventHandler<D> = (event: CloudEvent<D>, ctx: HandlerContext) => Promise<void>;

export interface HandlerRegistration {
  readonly definition: EventDefinition;
  readonly handler: EventHandler<unknown>;
}

/** Register a handler for one event type, typed by its definition. */
export function on<S extends TObject>(definition: EventDefinition<S>, handler: EventHandler<Static<S>>): HandlerRegistration {
  return { definition: definition as unknown as EventDefinition, handler: handler as EventHandler<unknown> };
}

/** A handler error that retrying cannot fix (bad data for this handler): dead-letter at once. */
export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

export interface EventConsumerOptions {
  kafka: Kafka;
  /** Consumer group (prefixed with topicPrefix). One per service and purpose. */
  groupId: string;
  topicPrefix?: string;
  handlers: readonly HandlerRegistration[];
  /** Processed-event ids of this service (deduplication). */
  inbox: () => Collection<Document>;
  /** Where poison messages go (`<topic>.dlq`). */
  dlq: KafkaPublisher;
  logger: Logger;
  metrics?: EventMetrics;
  /** Attempts per message before it is dead-lettered (handler errors). */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** Bigger messages are dead-lettered unread. */
  maxMessageBytes?: number;
  /** Errors of the infrastructure (database unreachable): never dead-letter, retry the batch later. */
  isTransient?: (error: unknown) => boolean;
  /**
   * Asked before a handler failure is dead-lettered: false (the database does not answer) means the
   * failure was the infrastructure's after all, however it was classified, so the batch is retried
   * later instead. An event is dead-lettered only while the service's dependencies are healthy.
   */
  dependenciesHealthy?: () => Promise<boolean>;
  partitionsConsumedConcurrently?: number;
  /** A crashed member's partitions move after this long (default 10 s; the broker's minimum is 6 s). */
  sessionTimeoutMs?: number;
  /** Fetch long-poll bound, ms (default 1000). */
  maxWaitTimeMs?: number;
  /** Wait for the group join in start() (default true). */
  awaitJoin?: boolean;
  /**
   * Events of one batch applied at a time (default 1: strictly one after another). Only for handlers
   * whose effects commute (each event sets its own part of a document, newest wins), such as read
   * models: a repository can then coalesce the concurrent writes into one bulk write. Offsets are
   * still committed in order, after every effect before them is stored.
   */
  applyConcurrency?: number;
}

export interface EventConsumer extends Component {
  readonly groupId: string;
}

interface Decoded {
  message: KafkaMessage;
  parsed: ReturnType<typeof parseEvent> | { ok: false; reason: 'oversized'; error: string };
}

/**
 * An idempotent consumer: offsets are committed only after the effect is stored; each event id is
 * applied once per group (inbox); handler failures are retried with backoff and then dead-lettered
 * with the original bytes and the error, so one poison message never stops its partition.
 * Event types without a handler are skipped (consumers tolerate new types).
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const prefix = options.topicPrefix ?? '';
  const groupId = prefix + options.groupId;
  const log = options.logger.child({ component: 'consumer', group: groupId });
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 100;
  const maxBytes = options.maxMessageBytes ?? 1_048_576;
  const isTransient = options.isTransient ?? (() => false);
  /** Healthy unless the probe says otherwise within 5 s. */
  const healthy = async (): Promise<boolean> => {
    if (!options.dependenciesHealthy) return true;
    const timeout = new AbortController();
    try {
      return await Promise.race([
        options.dependenciesHealthy().catch(() => false),
        sleep(5_000, false, { signal: timeout.signal }).catch(() => false),
      ]);
    } finally {
      timeout.abort();
    }
  };
  const handlers = new Map(options.handlers.map((h) => [h.definition.type, h.handler]));
  const topics = [...new Set(options.handlers.map((h) => h.definition.topic))];
  const makeConsumer = (): Consumer => {
    const c = options.kafka.consumer({
      groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 10_000) / 3)),
      // Long-poll bound: data is delivered as soon as it arrives; this only bounds how long a stop waits.
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      retry: { retries: 10, initialRetryTime: 300 },
      allowAutoTopicCreation: false,
    });
    c.on(c.events.GROUP_JOIN, () => {
      joined = true;
      crashed = false;
      onJoin?.();
    });
    c.on(c.events.CRASH, (e) => {
      log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart) {
        // kafkajs gives up on non-retriable errors (e.g. "the coordinator is not aware of this member"
        // after a session timeout under load): start a fresh member ourselves.
        crashed = true;
        scheduleRestart();
      }
    });
    return c;
  };
  let joined = false;
  let crashed = false;
  let running = false;
  let onJoin: (() => void) | null = null;
  let restarting: Promise<void> | null = null;
  let consumer: Consumer = makeConsumer();

  async function connectAndRun(): Promise<void> {
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic: prefix + topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      eachBatch,
    });
  }

  /** A new group member after a crash kafkajs does not recover from, with backoff; offsets resume where committed. */
  function scheduleRestart(): void {
    if (restarting || !running) return;
    restarting = (async () => {
      for (let attempt = 0; running; attempt++) {
        await sleep(Math.min(30_000, 1_000 * 2 ** attempt));
        if (!running) return;
        await consumer.disconnect().catch(() => undefined);
        consumer = makeConsumer();
        try {
          await connectAndRun();
          log.warn({ attempt }, 'consumer restarted after a crash');
          return;
        } catch (error) {
          log.error({ err: error, attempt }, 'consumer restart failed; retrying');
        }
      }
    })().finally(() => {
      restarting = null;
    });
  }

  function logical(topic: string): string {
    return prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  }

  async function deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, error: string): Promise<void> {
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      'dlq-reason': reason,
      'dlq-error': error.slice(0, 2000),
      'dlq-topic': topic,
      'dlq-partition': String(partition),
      'dlq-offset': message.offset,
      'dlq-group': groupId,
      'dlq-at': new Date().toISOString(),
    };
    await options.dlq.send([{ topic: dlqTopic(topic), key: message.key, value: message.value, headers }]);
    options.metrics?.deadLettered.inc({ group: groupId, topic, reason });
    log.warn({ topic, partition, offset: message.offset, reason, error: error.slice(0, 300) }, 'message dead-lettered');
  }

  /** Applies one event; returns the inbox record to store before the offset is committed (null: none). */
  async function apply(topic: string, partition: number, message: KafkaMessage, event: CloudEvent): Promise<Document | null> {
    const handler = handlers.get(event.type);
    if (!handler) {
      options.metrics?.consumed.inc({ group: groupId, type: event.type, result: 'ignored' });
      return null;
    }
    const ctx: HandlerContext = {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      logger: log.child({ eventId: event.id, type: event.type }),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await runWithContext(
          {
            requestId: event.requestid ?? event.id,
            origin: 'event',
            province: event.province,
            ...(event.traceparent ? { traceparent: event.traceparent } : {}),
          },
          () => handler(event, ctx),
        );
        break;
      } catch (error) {
        if (isTransient(error)) throw error; // the batch is retried from the last committed offset
        const poison = error instanceof PoisonEventError;
        if (!poison && attempt >= maxAttempts && !(await healthy())) {
          ctx.logger.warn({ err: error, attempt }, 'event handler failed while a dependency is down; the batch will be retried');
          throw error;
        }
        if (poison || attempt >= maxAttempts) {
          await deadLetter(topic, partition, message, poison ? 'rejected' : 'handler-failed', (error as Error).message ?? String(error));
          options.metrics?.consumed.inc({ group: groupId, type: event.type, result: 'dead-lettered' });
          return null;
        }
        ctx.logger.warn({ err: error, attempt }, 'event handler failed; retrying');
        await sleep(retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
    options.metrics?.consumed.inc({ group: groupId, type: event.type, result: 'applied' });
    const lag = (Date.now() - Date.parse(event.time)) / 1000;
    if (Number.isFinite(lag)) {
      options.metrics?.lagSeconds.observe({ group: groupId }, Math.max(0, lag));
      options.metrics?.lastLagSeconds.set({ group: groupId }, Math.max(0, lag));
    }
    return { _id: `${groupId}/${event.id}`, type: event.type, topic, partition, offset: message.offset, at: new Date() } as Document;
  }

  /**
   * Inbox records are written in one insertMany just before the offsets they cover are committed
   * (one write per commit instead of one per event). A crash in between redelivers those events,
   * which the handlers' own idempotence absorbs, as it does a crash between an effect and its record.
   */
  async function storeInbox(records: Document[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await options.inbox().insertMany(records, { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const topic = logical(batch.topic);
    const decoded: Decoded[] = batch.messages.map((message) => {
      const size = (message.value?.length ?? 0) + (message.key?.length ?? 0);
      if (size > maxBytes)
        return { message, parsed: { ok: false, reason: 'oversized', error: `message of ${size} bytes exceeds ${maxBytes}` } };
      return { message, parsed: parseEvent(message.value) };
    });
    const ids = decoded.flatMap((d) => (d.parsed.ok ? [`${groupId}/${d.parsed.event.id}`] : []));
    const seen = new Set<string>(
      ids.length
        ? (
            await options
              .inbox()
              .find({ _id: { $in: ids } } as Document, { projection: { _id: 1 } })
              .toArray()
          ).map((d) => String(d._id))
        : [],
    );
    let lastResolved: string | null = null;
    let sinceCommit = 0;
    let inboxRecords: Document[] = [];
    const commit = async () => {
      if (lastResolved === null || sinceCommit === 0) return;
      await storeInbox(inboxRecords);
      inboxRecords = [];
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(lastResolved) + 1n).toString() }]);
      sinceCommit = 0;
    };
    /** Dead-letters, skips or applies one message; the promise settles when its effect is stored. */
    const handle = async ({ message, parsed }: Decoded): Promise<void> => {
      if (!parsed.ok) {
        if (parsed.reason === 'unknown-type') {
          options.metrics?.consumed.inc({ group: groupId, type: 'unknown', result: 'ignored' });
        } else {
          await deadLetter(topic, batch.partition, message, parsed.reason, parsed.error);
        }
      } else if (seen.has(`${groupId}/${parsed.event.id}`)) {
        options.metrics?.consumed.inc({ group: groupId, type: parsed.event.type, result: 'duplicate' });
      } else {
        seen.add(`${groupId}/${parsed.event.id}`);
        const record = await apply(topic, batch.partition, message, parsed.event);
        if (record) inboxRecords.push(record);
      }
    };
    const width = Math.max(1, options.applyConcurrency ?? 1);
    try {
      for (let i = 0; i < decoded.length; i += width) {
        if (!isRunning() || isStale()) break;
        const chunk = decoded.slice(i, i + width);
        if (width === 1) await handle(chunk[0]!);
        else await Promise.all(chunk.map(handle));
        for (const { message } of chunk) {
          resolveOffset(message.offset);
          lastResolved = message.offset;
          sinceCommit++;
        }
        if (sinceCommit >= 100) await commit();
        await heartbeat();
      }
    } finally {
      await commit();
    }
  }

  return {
    name: `consumer:${options.groupId}`,
    groupId,
    async start() {
      const joinedNow = new Promise<void>((resolve) => {
        onJoin = resolve;
      });
      running = true;
      await connectAndRun();
      if (options.awaitJoin ?? true) {
        const timeout = new AbortController();
        try {
          await Promise.race([
            joinedNow,
            sleep(60_000, undefined, { signal: timeout.signal }).then(() => {
              throw new Error(`consumer group ${groupId} did not join within 60 s`);
            }),
          ]);
        } finally {
          timeout.abort();
        }
      }
    },
    async stop() {
      running = false;
      await restarting;
      await consumer.disconnect();
    },
    async ready() {
      return running && joined && !crashed;
    },
  };
}
