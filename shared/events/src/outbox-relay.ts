import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';
import { OUTBOX_COUNT_FIELD, OUTBOX_FIELD, OUTBOX_WRITE_FIELD, kafkaHeadersOf, type OutboxEntry } from './outbox';
import type { KafkaPublisher } from './publisher';
import type { EventMetrics } from './metrics';

/** Which documents a local write just gave events to: the relay reads those by `_id` instead of scanning. */
export interface OutboxHint {
  collection: string;
  ids: readonly unknown[];
}

export interface OutboxSignal {
  /**
   * Tell the relay there is something to publish now (after a local write). With a hint it reads just
   * those documents; without one it scans every outbox collection.
   */
  notify(hint?: OutboxHint): void;
  wait(ms: number): Promise<void>;
  /** Take what was signalled since the last call: hinted ids per collection, and whether a notify came without a hint. */
  drain(): { hints: Map<string, unknown[]>; unhinted: boolean };
}

export function createOutboxSignal(): OutboxSignal {
  let wake: (() => void) | null = null;
  let pending = false;
  let unhinted = false;
  let hints = new Map<string, unknown[]>();
  return {
    notify(hint) {
      pending = true;
      if (hint) {
        const list = hints.get(hint.collection);
        if (list) list.push(...hint.ids);
        else hints.set(hint.collection, [...hint.ids]);
      } else unhinted = true;
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
    drain() {
      const taken = { hints, unhinted };
      hints = new Map();
      unhinted = false;
      return taken;
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
  /**
   * Interval of the full scan for pending events (crash recovery, writes by other processes). Local
   * writes signal the relay at once, with the ids they wrote, and are read by `_id`.
   */
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
  // A page holds a whole 5,000-row import: one read and one clearing statement per bulk write.
  const batchSize = options.batchSize ?? 5_000;
  let running = false;
  let loop: Promise<void> | null = null;
  let lastError: unknown = null;
  let inFlight: Promise<void> | null = null;

  /** Publish and clear the pending events of these documents (read with their outbox). */
  async function relayDocs(collection: Collection<Document>, docs: OutboxDoc[]): Promise<number> {
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
    return pending.length;
  }

  const PROJECTION = { projection: { [OUTBOX_FIELD]: 1, [OUTBOX_WRITE_FIELD]: 1 } };

  /** Full scan of every outbox collection. */
  async function passAll(): Promise<number> {
    let total = 0;
    for (const collection of options.collections()) {
      for (;;) {
        const docs = (await collection
          .find({ [OUTBOX_COUNT_FIELD]: { $gt: 0 } }, { ...PROJECTION, limit: batchSize })
          .toArray()) as OutboxDoc[];
        if (docs.length === 0) break;
        total += await relayDocs(collection, docs);
        if (docs.length < batchSize) break;
      }
    }
    return total;
  }

  /** Just the documents local writes named, read by `_id`. */
  async function passHinted(hints: Map<string, unknown[]>): Promise<number> {
    let total = 0;
    for (const collection of options.collections()) {
      const ids = [...new Set(hints.get(collection.collectionName) ?? [])];
      for (let i = 0; i < ids.length; i += batchSize) {
        const docs = (await collection
          .find({ _id: { $in: ids.slice(i, i + batchSize) }, [OUTBOX_COUNT_FIELD]: { $gt: 0 } } as Document, PROJECTION)
          .toArray()) as OutboxDoc[];
        if (docs.length) total += await relayDocs(collection, docs);
      }
    }
    return total;
  }

  /**
   * What was signalled decides: hinted documents only, or a full scan (unhinted signal, or the poll
   * interval passed). Full scans are for recovery (a crash, another replica's writes); where they are
   * slow (a collection scan on a database without the index) they run at most a tenth of the time, so
   * hinted passes keep events flowing. Hints of a failed pass are kept for the next one.
   */
  let lastFullScan = 0;
  let lastFullScanMs = 0;
  async function passOnce(full: boolean): Promise<number> {
    const { hints, unhinted } = options.signal.drain();
    try {
      if (full || unhinted || Date.now() - lastFullScan >= Math.max(pollMs, 10 * lastFullScanMs)) {
        const started = Date.now();
        lastFullScan = started;
        const n = await passAll();
        // Only a scan that worked measures its cost: one that failed after a 10 s server-selection
        // wait (the database was down) would otherwise hold the next full scan back for 100 s, and a
        // write whose acknowledgement was lost (no hint) would wait that long for its events.
        lastFullScanMs = Date.now() - started;
        return n;
      }
      return await passHinted(hints);
    } catch (error) {
      for (const [collection, ids] of hints) options.signal.notify({ collection, ids });
      throw error;
    }
  }

  /** Serialise passes: a flush during a running pass waits for it, then runs its own. */
  function pass(full = false): Promise<number> {
    const run = (inFlight ?? Promise.resolve()).then(() => passOnce(full));
    // The caller handles run's failure; the chain kept for the next pass never rejects (an
    // unhandled rejection would crash the process).
    const settled: Promise<void> = run.then(
      () => undefined,
      () => undefined,
    );
    inFlight = settled;
    void settled.then(() => {
      if (inFlight === settled) inFlight = null;
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
        const n = await pass(true);
        if (n > 0) log.info({ published: n }, 'outbox flushed at shutdown');
      } catch (error) {
        log.warn({ err: error }, 'outbox flush at shutdown failed; events stay pending and go out at next start');
      }
    },
    async ready() {
      return running && lastError === null;
    },
    flush: () => pass(true),
  };
}
