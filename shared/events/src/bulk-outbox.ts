import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Collection, Document } from 'mongodb';
import type { OutgoingEvent } from '@creditbank/contracts';
import { duplicateKeyIndexes } from '@creditbank/mongo';
import { BULK_WRITE_FIELD, newOutboxWrite, outboxOnInsert, toOutboxEntry, type OutboxEntry } from './outbox';
import type { OutboxSignal } from './outbox-relay';

/**
 * The outbox of a bulk insert (thousands of new documents in one write, e.g. a 5,000-row import).
 *
 * The per-document outbox (`outbox.ts`) writes each document's events into the document itself and
 * clears them after publishing: a second write of every document. For a bulk insert that doubles the
 * cost where it is largest (on the local FerretDB, rewriting 5,000 documents takes twice as long as
 * inserting them). Here the events of the whole insert are written once, beside the documents, and
 * deleted after publishing:
 *
 * 1. a head `{ _id: write, sealed: false }` and the events in chunks of 500 (`<write>:<n>`), each
 *    event naming its document;
 * 2. the documents, each stamped with `_bulkWrite: <write>`;
 * 3. the head is sealed, listing the documents that were not inserted (duplicates), and the relay is
 *    told. It publishes the chunks' events (but the duplicates'), in order, then deletes the chunks
 *    and the head.
 *
 * Without transactions, a crash can stop this between any two steps. A head left unsealed is
 * recovered by the relay: it publishes the events of exactly the documents that exist with that
 * `_bulkWrite`. It does so 5 s after a failed insert of its own process, and 10 minutes after an
 * insert of another process (which may still be running; a later seal only publishes the same events
 * again, and consumers deduplicate by event id).
 *
 * Order per document: a later change of a bulk-inserted document writes its events into the document
 * (`withOutbox`). The relay holds those back while the document's bulk head still exists, so a
 * document's first events always go out first.
 *
 * Fewer than `BULK_OUTBOX_MIN_DOCS` documents are not worth a head and chunks: their events go into
 * the documents themselves (the per-document outbox, one write token for the call).
 */
export const BULK_OUTBOX_HEADS = 'outbox_bulk_heads';
export const BULK_OUTBOX_CHUNKS = 'outbox_bulk_chunks';

const ENTRIES_PER_CHUNK = 500;
/** Inserts of fewer documents use the per-document outbox. */
export const BULK_OUTBOX_MIN_DOCS = 50;
/** A failed bulk insert of this process is recovered this long after it started. */
export const BULK_OWN_RECOVERY_MS = 5_000;
/** An unsealed head of another process is taken as abandoned after this long. */
export const BULK_ABANDONED_MS = 10 * 60_000;

export type BulkOutboxEntry = OutboxEntry & { doc: string };

export interface BulkOutboxHead {
  _id: string;
  collection: string;
  chunks: number;
  owner: string;
  sealed: boolean;
  /** Documents of the write that were not inserted (duplicates): their events are not published. */
  excluded: string[];
  at: Date;
}

export interface BulkOutboxChunk {
  _id: string;
  /**
   * The chunk's entries (`BulkOutboxEntry[]`) as JSON, deflated, in base64: the database stores,
   * reads and deletes it by the byte, and a string far faster than the same entries as documents
   * (on the local FerretDB, 5.5 MB of entries: 1.2 s to read as documents, 0.3 s as one string).
   */
  entries: string;
}

/** A chunk's `entries` field from its entries. */
export const packBulkOutboxEntries = (entries: readonly BulkOutboxEntry[]): string =>
  deflateRawSync(JSON.stringify(entries), { level: 1 }).toString('base64');
const unpackEntries = (packed: string): BulkOutboxEntry[] =>
  JSON.parse(inflateRawSync(Buffer.from(packed, 'base64')).toString('utf8')) as BulkOutboxEntry[];

export interface BulkInsertResult<T> {
  /** The documents not inserted because a unique index already held them (E11000). */
  duplicates: T[];
}

export interface BulkOutbox {
  /** This process (heads it wrote are recovered after `BULK_OWN_RECOVERY_MS`). */
  readonly owner: string;
  /**
   * Insert new documents (unordered) with their events. Documents refused as duplicates are
   * returned and their events are not published; any other failure throws (a bulk head is then
   * recovered by the relay; per-document outboxes are found by its scans).
   */
  insertMany<T extends { _id: string }>(
    collection: Collection<Document>,
    docs: readonly T[],
    eventsOf: (doc: T) => readonly OutgoingEvent[],
  ): Promise<BulkInsertResult<T>>;
  /** Whether an insertMany of this process is still working on this write. */
  inFlight(write: string): boolean;
}

const chunkIds = (write: string, n: number) => Array.from({ length: n }, (_, i) => `${write}:${i}`);

/** Unordered insert; returns the ids of the documents refused as duplicates, throws on anything else. */
async function insertUnordered(collection: Collection<Document>, docs: ReadonlyArray<{ _id: string }>): Promise<Set<string>> {
  try {
    // The driver's types assume ObjectId keys; these documents bring their own string ids.
    await collection.insertMany(docs as unknown as Document[], { ordered: false });
    return new Set();
  } catch (error) {
    const refused = duplicateKeyIndexes(error);
    if (!refused) throw error;
    return new Set(refused.map((i) => docs[i]?._id).filter((id): id is string => id !== undefined));
  }
}

export function createBulkOutbox(deps: { collection: (name: string) => Collection<Document>; signal: OutboxSignal }): BulkOutbox {
  const owner = randomUUID();
  const running = new Set<string>();
  return {
    owner,
    inFlight: (write) => running.has(write),
    async insertMany(collection, docs, eventsOf) {
      if (docs.length === 0) return { duplicates: [] };
      const write = newOutboxWrite();
      if (docs.length < BULK_OUTBOX_MIN_DOCS) {
        const refused = await insertUnordered(
          collection,
          docs.map((d) => ({ ...d, ...outboxOnInsert(eventsOf(d), write) })),
        );
        deps.signal.notify({ collection: collection.collectionName, ids: docs.filter((d) => !refused.has(d._id)).map((d) => d._id) });
        return { duplicates: docs.filter((d) => refused.has(d._id)) };
      }
      const entries: BulkOutboxEntry[] = docs.flatMap((d) => eventsOf(d).map((e) => ({ ...toOutboxEntry(e), doc: d._id })));
      const heads = deps.collection(BULK_OUTBOX_HEADS);
      const chunks = deps.collection(BULK_OUTBOX_CHUNKS);
      const count = Math.ceil(entries.length / ENTRIES_PER_CHUNK);
      running.add(write);
      try {
        if (count > 0) {
          const head: BulkOutboxHead = {
            _id: write,
            collection: collection.collectionName,
            chunks: count,
            owner,
            sealed: false,
            excluded: [],
            at: new Date(),
          };
          await heads.insertOne(head as unknown as Document);
          await chunks.insertMany(
            chunkIds(write, count).map((id, i) => ({
              _id: id,
              entries: packBulkOutboxEntries(entries.slice(i * ENTRIES_PER_CHUNK, (i + 1) * ENTRIES_PER_CHUNK)),
            })) as unknown as Document[],
            { ordered: true },
          );
        }
        const refused = await insertUnordered(
          collection,
          docs.map((d) => ({ ...d, [BULK_WRITE_FIELD]: write })),
        );
        const duplicates = docs.filter((d) => refused.has(d._id));
        if (count > 0) {
          await heads.updateOne({ _id: write } as Document, { $set: { sealed: true, excluded: duplicates.map((d) => d._id) } });
          deps.signal.notify({ collection: BULK_OUTBOX_HEADS, ids: [write] });
        }
        return { duplicates };
      } finally {
        running.delete(write);
      }
    },
  };
}

/** What the relay needs to publish bulk heads. */
export interface BulkRelaySource {
  outbox: BulkOutbox;
  collection: (name: string) => Collection<Document>;
}

/**
 * Publish the bulk heads that are ready (sealed, or unsealed and abandoned), oldest first, at most
 * `limit` of them; `ids` restricts it to those heads. Returns the events published and the writes
 * finished.
 */
export async function relayBulkHeads(
  source: BulkRelaySource,
  publish: (entries: BulkOutboxEntry[]) => Promise<void>,
  options: { ids?: readonly string[]; limit: number; now?: number },
): Promise<{ published: number; finished: string[] }> {
  const heads = source.collection(BULK_OUTBOX_HEADS);
  const chunks = source.collection(BULK_OUTBOX_CHUNKS);
  const list = (await heads
    .find(options.ids ? ({ _id: { $in: [...options.ids] } } as Document) : {})
    .sort({ at: 1 })
    .limit(options.limit)
    .toArray()) as unknown as BulkOutboxHead[];
  const now = options.now ?? Date.now();
  let published = 0;
  const finished: string[] = [];
  for (const head of list) {
    let recover = false;
    if (!head.sealed) {
      if (source.outbox.inFlight(head._id)) continue;
      const wait = head.owner === source.outbox.owner ? BULK_OWN_RECOVERY_MS : BULK_ABANDONED_MS;
      if (now - head.at.getTime() < wait) continue;
      recover = true;
    }
    const ids = chunkIds(head._id, head.chunks);
    const found = (await chunks.find({ _id: { $in: ids } } as Document).toArray()) as unknown as BulkOutboxChunk[];
    let entries = found.flatMap((c) => unpackEntries(c.entries));
    if (recover) {
      // Only what was stored: the documents that exist with this write.
      const docIds = [...new Set(entries.map((e) => e.doc))];
      const present = new Set<string>();
      for (let i = 0; i < docIds.length; i += 5_000) {
        const docs = await source
          .collection(head.collection)
          .find({ _id: { $in: docIds.slice(i, i + 5_000) }, [BULK_WRITE_FIELD]: head._id } as Document, { projection: { _id: 1 } })
          .toArray();
        for (const d of docs) present.add(String(d['_id']));
      }
      entries = entries.filter((e) => present.has(e.doc));
    } else {
      const excluded = new Set(head.excluded);
      entries = entries.filter((e) => !excluded.has(e.doc));
    }
    entries.sort((a, b) => a.seq - b.seq);
    if (entries.length) await publish(entries);
    published += entries.length;
    await chunks.deleteMany({ _id: { $in: ids } } as Document);
    await heads.deleteOne({ _id: head._id } as Document);
    finished.push(head._id);
  }
  return { published, finished };
}

/** The writes among `writes` whose bulk head still exists (their documents' later events wait). */
export async function pendingBulkWrites(source: BulkRelaySource, writes: readonly string[]): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const found = await source
    .collection(BULK_OUTBOX_HEADS)
    .find({ _id: { $in: [...writes] } } as Document, { projection: { _id: 1 } })
    .toArray();
  return new Set(found.map((h) => String(h['_id'])));
}
