import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { isDuplicateKeyError } from '@creditbank/mongo';

/** Read-model documents are keyed by a string id. */
export type KeyedDocument = Document & { _id: string };

interface Pending {
  op: AnyBulkWriteOperation<KeyedDocument>;
  /** A duplicate-key error means "a newer fact is stored": success. */
  duplicateIsSuccess: boolean;
  /** Every caller whose write this operation carries (more than one when plain sets were merged). */
  callers: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/** The `$set` of an unconditional upsert by `_id` alone: such writes to one document can be merged. */
function plainSet(op: AnyBulkWriteOperation<KeyedDocument>): { id: string; set: Document } | null {
  const u = 'updateOne' in op ? op.updateOne : undefined;
  if (!u || u.upsert !== true || Array.isArray(u.update) || u.arrayFilters || u.hint || u.collation) return null;
  const filterKeys = Object.keys(u.filter);
  const updateKeys = Object.keys(u.update);
  if (filterKeys.length !== 1 || typeof u.filter._id !== 'string' || updateKeys.length !== 1 || updateKeys[0] !== '$set') return null;
  return { id: u.filter._id, set: (u.update as { $set: Document }).$set };
}

/** The `_id` a single-document operation is addressed to, if it names one. */
function idOf(op: AnyBulkWriteOperation<KeyedDocument>): string | undefined {
  const u = 'updateOne' in op ? op.updateOne : 'replaceOne' in op ? op.replaceOne : 'deleteOne' in op ? op.deleteOne : undefined;
  const id: unknown = u?.filter._id;
  return typeof id === 'string' ? id : undefined;
}

/** Two `$set`s can be one when no path of one is a strict prefix of a path of the other (a conflict). */
function mergeable(a: Document, b: Document): boolean {
  const keys = Object.keys(a);
  return Object.keys(b).every((k) => keys.every((j) => j === k || (!k.startsWith(`${j}.`) && !j.startsWith(`${k}.`))));
}

/**
 * Coalesces single-document writes issued in the same tick into one unordered bulkWrite per
 * collection, and unconditional `$set` upserts of the same document into one operation (later
 * fields win, as if applied in call order; each write to a document is a whole-document rewrite on
 * FerretDB, so this halves the work when an outcome's deposit and recognition arrive together). With a consumer that applies a batch's events concurrently (their effects commute:
 * each sets its own part of a document, newest wins) a batch of events costs one database round trip
 * per collection instead of one per event. Each caller still learns the outcome of its own write.
 */
export function createWriteCoalescer() {
  const queues = new Map<Collection<KeyedDocument>, Pending[]>();
  /** Per collection, the pending plain-set operation of each document id in this tick. */
  const plainSets = new Map<Collection<KeyedDocument>, Map<string, Pending>>();
  let scheduled = false;

  async function flushOne(collection: Collection<KeyedDocument>, list: Pending[]): Promise<void> {
    try {
      await collection.bulkWrite(
        list.map((p) => p.op),
        { ordered: false },
      );
      for (const p of list) for (const c of p.callers) c.resolve();
    } catch (error) {
      const raw = (error as { writeErrors?: unknown }).writeErrors;
      const writeErrors = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ index: number; code?: number; errmsg?: string }>;
      if (writeErrors.length === 0) {
        for (const p of list) for (const c of p.callers) c.reject(error);
        return;
      }
      const failed = new Map(writeErrors.map((e) => [e.index, e]));
      list.forEach((p, i) => {
        const e = failed.get(i);
        for (const c of p.callers) {
          if (!e) c.resolve();
          else if (p.duplicateIsSuccess && isDuplicateKeyError({ code: e.code, message: e.errmsg ?? '' })) c.resolve();
          else c.reject(Object.assign(new Error(e.errmsg ?? 'write failed'), { code: e.code }));
        }
      });
    }
  }

  function flush(): void {
    scheduled = false;
    const all = [...queues];
    queues.clear();
    plainSets.clear();
    for (const [collection, list] of all) void flushOne(collection, list);
  }

  return {
    write(collection: Collection<KeyedDocument>, op: AnyBulkWriteOperation<KeyedDocument>, duplicateIsSuccess = false): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let list = queues.get(collection);
        if (!list) queues.set(collection, (list = []));
        const plain = duplicateIsSuccess ? null : plainSet(op);
        let byId = plainSets.get(collection);
        const earlier = plain ? byId?.get(plain.id) : undefined;
        const earlierSet = earlier ? plainSet(earlier.op) : null;
        if (plain && earlier && earlierSet && mergeable(earlierSet.set, plain.set)) {
          earlier.op = { updateOne: { filter: { _id: plain.id }, update: { $set: { ...earlierSet.set, ...plain.set } }, upsert: true } };
          earlier.callers.push({ resolve, reject });
        } else {
          const pending: Pending = { op, duplicateIsSuccess, callers: [{ resolve, reject }] };
          list.push(pending);
          // Later plain sets of this document merge into this operation, never into one before it:
          // the order of writes to one document is kept.
          const id = plain?.id ?? idOf(op);
          if (plain) {
            if (!byId) plainSets.set(collection, (byId = new Map()));
            byId.set(plain.id, pending);
          } else if (id !== undefined) byId?.delete(id);
        }
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
