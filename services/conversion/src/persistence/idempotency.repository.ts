import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { IdempotencyRecord, IdempotencyStore } from '../use-cases/ports';

export const IDEMPOTENCY_COLLECTION = 'idempotency_keys';

/** Idempotency keys per learner account (`_id: <accountNo>:<key>`): the first claim wins (unique insert). */
type KeyDoc = Omit<IdempotencyRecord, 'key'> & { _id: string; key: string; createdAt: Date };

const keySchema = new Schema<KeyDoc>(
  {
    _id: { type: String, required: true },
    accountNo: { type: String, required: true },
    key: { type: String, required: true },
    op: { type: String, required: true },
    requestHash: { type: String, required: true },
    resultId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: IDEMPOTENCY_COLLECTION, versionKey: false },
);

export function createIdempotencyRepository(connection: Connection): IdempotencyStore {
  const keys = connection.model<KeyDoc>('IdempotencyKey', keySchema);
  const idOf = (accountNo: string, key: string) => `${accountNo}:${key}`;
  const store: IdempotencyStore = {
    async claim(record) {
      const _id = idOf(record.accountNo, record.key);
      try {
        await keys.collection.insertOne({ _id, ...record, createdAt: new Date() } as never);
        return null;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const d = await keys.findById(_id).lean<KeyDoc>();
      if (!d) return store.claim(record); // released meanwhile: try again
      return { accountNo: d.accountNo, key: d.key, op: d.op, requestHash: d.requestHash, resultId: d.resultId };
    },
    async release(accountNo, key, resultId) {
      await keys.deleteOne({ _id: idOf(accountNo, key), resultId });
    },
  };
  return store;
}
