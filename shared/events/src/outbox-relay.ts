import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';
import { OUTBOX_COUNT_FIELD, OUTBOX_FIELD, kafkaHeadersOf, type OutboxEntry } from './outbox';
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

type OutboxDoc = { _id: unknown; [OUTBOX_FIELD]?: Record<string, OutboxEntry> };

/**
 * Publishes pending outbox entries to Kafka, then clears them. At-least-once: a crash after the send
 * and before the clear publishes again on restart, and consumers deduplicate by event id.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.logger.child({ component: 'outbox-relay' });
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 500;
  let running = false;
  let loop: Promise<void> | null = null;
  let lastError: unknown = null;
  let inFlight: Promise<number> | null = null;

  async function passOnce(): Promise<number> {
    let total = 0;
    for (const collection of options.collections()) {
      for (;;) {
        const docs = (await collection
          .find({ [OUTBOX_COUNT_FIELD]: { $gt: 0 } }, { projection: { [OUTBOX_FIELD]: 1 }, limit: batchSize })
          .toArray()) as OutboxDoc[];
        if (docs.length === 0) break;
        const pending: Array<{ docId: unknown; entry: OutboxEntry }> = [];
        for (const doc of docs) {
          for (const entry of Object.values(doc[OUTBOX_FIELD] ?? {})) pending.push({ docId: doc._id, entry });
        }
        pending.sort((a, b) => a.entry.seq - b.entry.seq);
        if (pending.length > 0) {
          await options.publisher.send(
            pending.map(({ entry }) => ({ topic: entry.topic, key: entry.key, value: entry.value, headers: kafkaHeadersOf(entry) })),
          );
          await collection.bulkWrite(
            pending.map(({ docId, entry }) => ({
              updateOne: {
                filter: { _id: docId, [`${OUTBOX_FIELD}.${entry.id}`]: { $exists: true } } as Document,
                update: { $unset: { [`${OUTBOX_FIELD}.${entry.id}`]: '' }, $inc: { [OUTBOX_COUNT_FIELD]: -1 } } as Document,
              },
            })),
            { ordered: false },
          );
          for (const { entry } of pending) options.metrics?.published.inc({ topic: entry.topic });
        } else {
          // Counter out of step with the map (should not happen): repair so we do not spin.
          await collection.updateMany({ _id: { $in: docs.map((d) => d._id) } } as Document, { $set: { [OUTBOX_COUNT_FIELD]: 0 } });
        }
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
