import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { isDuplicateKeyError } from '@creditbank/mongo';

/** Read-model documents are keyed by a string id. */
export type KeyedDocument = Document & { _id: string };

interface Pending {
  op: AnyBulkWriteOperation<KeyedDocument>;
  /** A duplicate-key error means "a newer fact is stored": success. */
  duplicateIsSuccess: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces single-document writes issued in the same tick into one unordered bulkWrite per
 * collection. With a consumer that applies a batch's events concurrently (their effects commute:
 * each sets its own part of a document, newest wins) a batch of events costs one database round trip
 * per collection instead of one per event. Each caller still learns the outcome of its own write.
 */
export function createWriteCoalescer() {
  const queues = new Map<Collection<KeyedDocument>, Pending[]>();
  let scheduled = false;

  async function flushOne(collection: Collection<KeyedDocument>, list: Pending[]): Promise<void> {
    try {
      await collection.bulkWrite(
        list.map((p) => p.op),
        { ordered: false },
      );
      for (const p of list) p.resolve();
    } catch (error) {
      const raw = (error as { writeErrors?: unknown }).writeErrors;
      const writeErrors = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ index: number; code?: number; errmsg?: string }>;
      if (writeErrors.length === 0) {
        for (const p of list) p.reject(error);
        return;
      }
      const failed = new Map(writeErrors.map((e) => [e.index, e]));
      list.forEach((p, i) => {
        const e = failed.get(i);
        if (!e) p.resolve();
        else if (p.duplicateIsSuccess && isDuplicateKeyError({ code: e.code, message: e.errmsg ?? '' })) p.resolve();
        else p.reject(Object.assign(new Error(e.errmsg ?? 'write failed'), { code: e.code }));
      });
    }
  }

  function flush(): void {
    scheduled = false;
    const all = [...queues];
    queues.clear();
    for (const [collection, list] of all) void flushOne(collection, list);
  }

  return {
    write(collection: Collection<KeyedDocument>, op: AnyBulkWriteOperation<KeyedDocument>, duplicateIsSuccess = false): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let list = queues.get(collection);
        if (!list) queues.set(collection, (list = []));
        list.push({ op, duplicateIsSuccess, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
