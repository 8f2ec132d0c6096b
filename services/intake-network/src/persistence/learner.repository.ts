import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import type { TenantScope } from '@creditbank/kernel';
import type { KnownLearner } from '../domain/learner';
import type { LearnerStore } from '../use-cases/ports';

export const LEARNERS_COLLECTION = 'learners';

/** Projection of the account service's learner events: where each account was opened, and its status. */
type LearnerDoc = { _id: string; province: string; nodeId: string | null; status: KnownLearner['status']; statusAt: Date };

const learnerSchema = new Schema<LearnerDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    nodeId: { type: String, default: null },
    status: { type: String, required: true },
    statusAt: { type: Date, required: true },
  },
  { collection: LEARNERS_COLLECTION, versionKey: false },
);

const EPOCH = new Date(0);

export function createLearnerRepository(connection: Connection): LearnerStore {
  const learners = connection.model<LearnerDoc>('KnownLearner', learnerSchema);
  return {
    async recordOrigin(accountNo, province, nodeId) {
      // The origin never changes: setting it again is a no-op. A status fact may have arrived first.
      await learners.updateOne(
        { _id: accountNo },
        { $set: { province, nodeId }, $setOnInsert: { status: 'PENDING_VERIFICATION', statusAt: EPOCH } },
        { upsert: true },
      );
    },
    async recordStatus(accountNo, province, status, at) {
      const result = await learners.updateOne({ _id: accountNo, statusAt: { $lt: at } }, { $set: { status, statusAt: at } });
      if (result.matchedCount === 1) return;
      try {
        await learners.create({ _id: accountNo, province, nodeId: null, status, statusAt: at });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error; // known with a newer or equal fact: keep it
      }
    },
    async findByAccountNos(scope: TenantScope, accountNos) {
      if (accountNos.length === 0) return [];
      const docs = await learners.find(scoped(scope, { _id: { $in: [...accountNos] } })).lean<LearnerDoc[]>();
      return docs.map((d) => ({
        accountNo: d._id,
        province: d.province,
        nodeId: d.nodeId ?? null,
        status: d.status,
        statusAt: d.statusAt,
      }));
    },
  };
}
