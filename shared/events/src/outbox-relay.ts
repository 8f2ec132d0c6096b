import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';
import { BULK_WRITE_FIELD, OUTBOX_COUNT_FIELD, OUTBOX_FIELD, OUTBOX_WRITE_FIELD, kafkaHeadersOf, type OutboxEntry } from './outbox';
import { BULK_OUTBOX_HEADS, pendingBulkWrites, relayBulkHeads, type BulkRelaySource } from './bulk-outbox';
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
  /** Bulk inserts' outboxes (`bulk-outbox.ts`): published before the per-document outboxes of a pass. */
  bulk?: BulkRelaySource;
}

export interface OutboxRelay extends Component {
  /** Publish everything pending now (used at shutdown and in tests). */
  flush(): Promise<number>;
}

/** Write groups at least this large are cleared with one updateMany. */
const BULK_CLEAR_THRESHOLD = 50;

type OutboxDoc = {
  _id: unknown;
  [OUTBOX_FIELD]?: Record<string, OutboxEntry>;
  [OUTBOX_WRITE_FIELD]?: string | null;
  [BULK_WRITE_FIELD]?: string | null;
};

/** A full scan finds at most this many pending documents of a collection at a time. */
const MAX_DISCOVERED = 100_000;
/**
 * The next full scan is due after the smaller of FULL_SCAN_SPACING times the last one's duration and
 * FULL_SCAN_MS_PER_DOC times the documents of the collections it scanned (see passOnce), at least
 * the poll interval and at most MAX_FULL_SCAN_INTERVAL_MS. A scan is spaced out only when it is slow
 * and its collections are large: on a database without the `_outboxCount` index (the local FerretDB
 * decodes every document: 20 s for 100,000 outcomes) it takes about 2 % of the time, while a small
 * collection's scan slowed by load (0.8 s on a busy machine) is not pushed 40 s back, and neither
 * are the writes of other processes (a seed) that only a scan finds.
 */
const FULL_SCAN_SPACING = 50;
const FULL_SCAN_MS_PER_DOC = 6;
/** However slow the last full scan was, the next one comes within this. */
const MAX_FULL_SCAN_INTERVAL_MS = 10 * 60_000;
/** Bulk heads read per pass. */
const BULK_HEADS_PER_PASS = 100;
/** Bulk writes whose held-back documents the relay remembers (to re-read them when the write is out). */
const MAX_HELD_BACK_WRITES = 1_000;

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
  /** Documents held back until their bulk write's first events are out: write → collection → ids. */
  const heldBack = new Map<string, Map<string, unknown[]>>();

  async function publishEntries(entries: readonly OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await options.publisher.send(
      entries.map((entry) => ({ topic: entry.topic, key: entry.key, value: entry.value, headers: kafkaHeadersOf(entry) })),
    );
    for (const entry of entries) options.metrics?.published.inc({ topic: entry.topic });
  }

  /** Publish the bulk heads that are ready; then let the documents held back for them go. */
  async function relayBulk(ids?: readonly string[]): Promise<number> {
    if (!options.bulk || (ids && ids.length === 0)) return 0;
    const { published, finished } = await relayBulkHeads(options.bulk, publishEntries, {
      ...(ids ? { ids } : {}),
      limit: BULK_HEADS_PER_PASS,
    });
    for (const write of finished) {
      const held = heldBack.get(write);
      heldBack.delete(write);
      for (const [collection, docIds] of held ?? []) options.signal.notify({ collection, ids: docIds });
    }
    return published;
  }

  /**
   * Publish and clear the pending events of these documents (read with their outbox). Documents of a
   * bulk insert whose bulk events are not out yet are held back. Returns the events published.
   */
  async function relayDocs(collection: Collection<Document>, all: OutboxDoc[]): Promise<number> {
    let docs = all;
    if (options.bulk) {
      const writes = [...new Set(all.map((d) => d[BULK_WRITE_FIELD]).filter((w): w is string => typeof w === 'string'))];
      const waiting = await pendingBulkWrites(options.bulk, writes);
      // A head another replica published: nothing to wait for here any more.
      for (const write of writes) if (!waiting.has(write)) heldBack.delete(write);
      // Held-back documents stay pending in the database (a full scan finds them), so the memory of
      // them is only a shortcut: bounded, whatever other replicas do.
      if (heldBack.size > MAX_HELD_BACK_WRITES) heldBack.clear();
      if (waiting.size) {
        docs = [];
        for (const d of all) {
          const write = d[BULK_WRITE_FIELD];
          if (typeof write === 'string' && waiting.has(write)) {
            const byCollection = heldBack.get(write) ?? new Map<string, unknown[]>();
            heldBack.set(write, byCollection);
            const ids = byCollection.get(collection.collectionName) ?? [];
            byCollection.set(collection.collectionName, ids);
            ids.push(d._id);
          } else docs.push(d);
        }
      }
    }
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
    await publishEntries(pending);
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

  const PROJECTION = { projection: { [OUTBOX_FIELD]: 1, [OUTBOX_WRITE_FIELD]: 1, [BULK_WRITE_FIELD]: 1 } };

  /**
   * The documents of every outbox collection with pending events, by `_id`: a full scan (at most
   * MAX_DISCOVERED a collection; a scan that reaches it makes the next one due at once).
   */
  let moreToDiscover = false;
  /** Documents in the collections the last scan covered (Infinity: unknown). */
  let scannedDocs = Infinity;
  async function discover(): Promise<Map<string, unknown[]>> {
    const found = new Map<string, unknown[]>();
    moreToDiscover = false;
    let docsInAll = 0;
    for (const collection of options.collections()) {
      // The collection's size from its metadata ($collStats: no scan); unknown where it is refused.
      docsInAll += await collection
        .aggregate<{ count?: number }>([{ $collStats: { count: {} } }])
        .toArray()
        .then(([stats]) => (typeof stats?.count === 'number' ? stats.count : Infinity))
        .catch(() => Infinity);
      const docs = await collection
        .find({ [OUTBOX_COUNT_FIELD]: { $gt: 0 } } as Document, { projection: { _id: 1 }, limit: MAX_DISCOVERED })
        .toArray();
      if (docs.length)
        found.set(
          collection.collectionName,
          docs.map((d) => d['_id'] as unknown),
        );
      if (docs.length >= MAX_DISCOVERED) moreToDiscover = true;
    }
    scannedDocs = docsInAll;
    return found;
  }

  /** Full scan of every outbox collection, then what it found published like hinted writes. */
  async function passAll(): Promise<number> {
    const found = await discover();
    return (await relayBulk()) + (await passHinted(found));
  }

  /** Just the documents local writes named, read by `_id`. */
  async function passHinted(hints: Map<string, unknown[]>): Promise<number> {
    let total = await relayBulk([...new Set((hints.get(BULK_OUTBOX_HEADS) ?? []).map(String))]);
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
   * A pass publishes the hinted documents (what local writes just named). When a full scan is due (an
   * unhinted signal, or the poll interval passed) it also publishes every bulk head, and starts the
   * scan itself in the background: the scan only finds the pending documents' ids and hands them to
   * the next passes as hints, so events never wait behind it. Full scans are for recovery (a crash,
   * another replica's writes). Where they are slow (a collection scan on a database without the
   * index: the local FerretDB decodes every document, 20 s for 100,000 outcomes) on large
   * collections they are spaced out (FULL_SCAN_SPACING), and come at least every ten minutes.
   * `full` (flush, shutdown) scans in the pass itself; `local` (shutdown) publishes only the hinted
   * documents and the bulk heads. Hints of a failed pass are kept for the next one.
   */
  let lastFullScan = 0;
  let lastFullScanMs = 0;
  let scanning: Promise<void> | null = null;

  function scanInBackground(): void {
    if (scanning) return;
    const started = Date.now();
    lastFullScan = started;
    scanning = discover()
      .then((found) => {
        // Only a scan that worked measures its cost: one that failed after a 10 s server-selection
        // wait (the database was down) would otherwise hold the next full scan back for minutes, and
        // a write whose acknowledgement was lost (no hint) would wait that long for its events.
        lastFullScanMs = moreToDiscover ? 0 : Date.now() - started;
        if (moreToDiscover) lastFullScan = 0;
        for (const [collection, ids] of found) options.signal.notify({ collection, ids });
      })
      .catch((error: unknown) => {
        lastError = error;
        log.warn({ err: error }, 'outbox relay scan failed; will retry');
      })
      .finally(() => {
        scanning = null;
      });
  }

  async function passOnce(mode: 'loop' | 'full' | 'local'): Promise<number> {
    const { hints, unhinted } = options.signal.drain();
    const spacing = Math.min(FULL_SCAN_SPACING * lastFullScanMs, FULL_SCAN_MS_PER_DOC * scannedDocs, MAX_FULL_SCAN_INTERVAL_MS);
    const scanDue = unhinted || Date.now() - lastFullScan >= Math.max(pollMs, spacing);
    try {
      if (mode === 'full') {
        const started = Date.now();
        lastFullScan = started;
        const n = (hints.size ? await passHinted(hints) : 0) + (await passAll());
        lastFullScanMs = moreToDiscover ? 0 : Date.now() - started;
        return n;
      }
      let n = hints.size ? await passHinted(hints) : 0;
      if (mode === 'local' || scanDue) n += await relayBulk();
      // Not while stopping: stop() wakes the loop with an unhinted signal, which is not a reason to scan.
      if (mode === 'loop' && scanDue && running) scanInBackground();
      return n;
    } catch (error) {
      for (const [collection, ids] of hints) options.signal.notify({ collection, ids });
      throw error;
    }
  }

  /** Serialise passes: a flush during a running pass waits for it, then runs its own. */
  function pass(mode: 'loop' | 'full' | 'local' = 'loop'): Promise<number> {
    const run = (inFlight ?? Promise.resolve()).then(() => passOnce(mode));
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
      await scanning;
      try {
        // What this process wrote (hinted) and the bulk heads; a full scan here could take as long
        // as one on a database without the index, and the next start runs one anyway.
        const n = await pass('local');
        if (n > 0) log.info({ published: n }, 'outbox flushed at shutdown');
      } catch (error) {
        log.warn({ err: error }, 'outbox flush at shutdown failed; events stay pending and go out at next start');
      }
    },
    async ready() {
      return running && lastError === null;
    },
    flush: () => pass('full'),
  };
}
