import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import type { TenantScope } from '@creditbank/kernel';
import type { AccountFact } from '../domain/facts';
import type { AccountFactStore } from '../use-cases/ports';

type FactDoc = Omit<AccountFact, 'accountNo'> & { _id: string };

const factSchema = new Schema<FactDoc>(
  {
    _id: String,
    province: { type: String, required: true },
    adminDivision: { type: String, required: true },
    gender: { type: String, required: true },
    birthYear: { type: Number, required: true },
    householdId: { type: String, default: null },
    channel: { type: String, required: true },
    nodeId: { type: String, default: null },
    openedAt: { type: Date, required: true },
  },
  { collection: 'account_facts', versionKey: false },
);
factSchema.index({ province: 1, nodeId: 1, openedAt: 1 });
factSchema.index({ province: 1, adminDivision: 1 });

export function createAccountFactRepository(connection: Connection): AccountFactStore {
  const facts = connection.model<FactDoc>('AccountFact', factSchema);
  return {
    async add(fact) {
      const { accountNo, ...rest } = fact;
      try {
        await facts.create({ _id: accountNo, ...rest });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
    async countOpenedAt(scope: TenantScope, nodeIds, from, to) {
      const openedAt: Record<string, Date> = {};
      if (from) openedAt['$gte'] = from;
      if (to) openedAt['$lte'] = to;
      const rows = await facts.aggregate<{ _id: string; n: number }>([
        { $match: scoped(scope, { nodeId: { $in: [...nodeIds] }, ...(from || to ? { openedAt } : {}) }) },
        { $group: { _id: '$nodeId', n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((r) => [r._id, r.n]));
    },
  };
}
