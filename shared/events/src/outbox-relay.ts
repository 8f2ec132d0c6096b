import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';
import { OUTBOX_COUNT_FIELD, OUTBOX_FIELD, OUTBOX_WRITE_FIELD, kafkaHeadersOf, type OutboxEntry } from './outbox';
import type { KafkaPublisher } from './publisher';
import type { EventMetrics } from './metrics';

export interface OutboxSignal {
  /** Tell the relay there is something to publish now (after a local write). */
  notify(): void;
  wait(ms: number): Promise<void>;
}

export function createOutboxSignal(): OutboxSignal {
  let wake: (() => void) | null = null;
  let pending = false;
  return {
    notify() {
      pending = true;
      wake?.();
    },
    async wait(ms) {
      if (pending) {
        pending = false;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      });
      pending = false;
    },
  };
}

export interface OutboxRelayOptions {
  /** Collections whose documents carry an outbox. */
  collections: () => readonly Collection<Document>[];
  publisher: KafkaPublisher;
  signal: OutboxSignal;
  logger: Logger;
  metrics?: EventMetrics;
  /** Poll interval when nothing signals (crash recovery, other replicas' writes). */
  pollMs?: number;
  batchSize?: number;
}

export interface OutboxRelay extends Component {
  /** Publish everything pending now (used at shutdown and in tests). */
  flush(): Promise<number>;
}

/** Write groups at least this large are cleared with one updateMany. */
const BULK_CLEAR_THRESHOLD = 50;

type OutboxDoc = { _id: unknown; [OUTBOX_FIELD]?: Record<string, OutboxEntry>; [OUTBOX_WRITE_FIELD]?: string | null };

/**
 * Publishes pending outbox entries to Kafka, then clears them. At-least-once: a crash after the send
 * and before the clear publishes again on restart, and consumers deduplicate by event id.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.logger.child({ component: 'outbox-relay' });
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 2_000;
  let running = false;
  let loop: Promise<void> | null = null;
  let lastError: unknown = null;
  let inFlight: Promise<number> | null = null;

  async function passOnce(): Promise<number> {
    let total = 0;
    for (const collection of options.collections()) {
      for (;;) {
        const docs = (await collection
          .find({ [OUTBOX_COUNT_FIELD]: { $gt: 0 } }, { projection: { [OUTBOX_FIELD]: 1, [OUTBOX_WRITE_FIELD]: 1 }, limit: batchSize })
          .toArray()) as OutboxDoc[];
        if (docs.length === 0) break;
        const pending: OutboxEntry[] = [];
        const byWrite = new Map<string | null, OutboxDoc[]>();
        for (const doc of docs) {
          pending.push(...Object.values(doc[OUTBOX_FIELD] ?? {}));
          const write = doc[OUTBOX_WRITE_FIELD] ?? null;
          const group = byWrite.get(write);
          if (group) group.push(doc);
          else byWrite.set(write, [doc]);
        }
        pending.sort((a, b) => a.seq - b.seq);
        if (pending.length > 0) {
          await options.publisher.send(
            pending.map((entry) => ({ topic: entry.topic, key: entry.key, value: entry.value, headers: kafkaHeadersOf(entry) })),
          );
          for (const entry of pending) options.metrics?.published.inc({ topic: entry.topic });
        }
        // Clearing. A bulk write (many documents, one write token) is cleared with one statement;
        // a document changed since it was read carries a newer token, stays pending and is sent
        // again. Small writes are cleared entry by entry, so a busy document that keeps changing
        // never has its already-sent events sent again.
        const single: Document[] = [];
        for (const [write, group] of byWrite) {
          if (group.length >= BULK_CLEAR_THRESHOLD && write !== null) {
            await collection.updateMany({ _id: { $in: group.map((d) => d._id) }, [OUTBOX_WRITE_FIELD]: write } as Document, {
              $set: { [OUTBOX_FIELD]: {}, [OUTBOX_COUNT_FIELD]: 0 },
            });
          } else {
            for (const doc of group) {
              for (const entry of Object.values(doc[OUTBOX_FIELD] ?? {})) {
                single.push({
                  updateOne: {
                    filter: { _id: doc._id, [`${OUTBOX_FIELD}.${entry.id}`]: { $exists: true } },
                    update: { $unset: { [`${OUTBOX_FIELD}.${entry.id}`]: '' }, $inc: { [OUTBOX_COUNT_FIELD]: -1 } },
                  },
                });
              }
            }
          }
        }
        if (single.length) await collection.bulkWrite(single as never, { ordered: false });
        // A document whose map is empty but whose counter says otherwise would spin: repair it.
        const empty = docs.filter((d) => Object.keys(d[OUTBOX_FIELD] ?? {}).length === 0).map((d) => d._id);
        if (empty.length)
          await collection.updateMany({ _id: { $in: empty }, [OUTBOX_FIELD]: {} } as Document, { $set: { [OUTBOX_COUNT_FIELD]: 0 } });
        total += pending.length;
        if (docs.length < batchSize) break;
      }
    }
    return total;
  }

  /** Serialise passes: a flush during a running pass waits for it, then runs its own. */
  function pass(): Promise<number> {
    const run = (inFlight ?? Promise.resolve(0)).catch(() => 0).then(passOnce);
    inFlight = run.finally(() => {
      if (inFlight === run) inFlight = null;
    });
    return run;
  }

  async function run(): Promise<void> {
    let backoff = 100;
    while (running) {
      try {
        const n = await pass();
        lastError = null;
        backoff = 100;
        if (n > 0) log.debug({ published: n }, 'outbox relayed');
        if (!running) break;
        await options.signal.wait(pollMs);
      } catch (error) {
        lastError = error;
        log.warn({ err: error }, 'outbox relay pass failed; will retry');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  return {
    name: 'outbox-relay',
    async start() {
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      options.signal.notify();
      await loop;
      try {
        const n = await pass();
        if (n > 0) log.info({ published: n }, 'outbox flushed at shutdown');
      } catch (error) {
        log.warn({ err: error }, 'outbox flush at shutdown failed; events stay pending and go out at next start');
      }
    },
    async ready() {
      return running && lastError === null;
    },
    flush: pass,
  };
}
