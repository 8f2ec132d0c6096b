import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import { outboxOnInsert, outboxSchemaFields, type OutboxSignal } from '@creditbank/events';
import type { CreditStandard } from '../domain/credit-standard';
import type { CreditStandardStore } from '../use-cases/ports';

export const CREDIT_STANDARDS_COLLECTION = 'credit_standards';

/** One document per published version (`<province>:<version>`); never updated after the insert. */
type StandardDoc = CreditStandard & { _id: string };

const standardSchema = new Schema<StandardDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    version: { type: Number, required: true },
    name: { type: String, required: true },
    note: { type: String, default: null },
    effectiveFrom: { type: Date, required: true },
    supersedesVersion: { type: Number, default: null },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
    pointsPerCredit: { type: Number, required: true },
    rules: { type: [Schema.Types.Mixed], default: [] },
    itemRules: { type: [Schema.Types.Mixed], default: [] },
    annualCaps: { type: [Schema.Types.Mixed], default: [] },
    ...outboxSchemaFields,
  },
  { collection: CREDIT_STANDARDS_COLLECTION, versionKey: false, minimize: false },
);
standardSchema.index({ province: 1, version: -1 });
standardSchema.index({ province: 1, effectiveFrom: -1 });

const HIDDEN = { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } as const;
const toStandard = ({ _id: _ignored, ...rest }: StandardDoc): CreditStandard => ({ ...rest, note: rest.note ?? null });

export function createCreditStandardRepository(connection: Connection, signal: OutboxSignal): CreditStandardStore {
  const standards = connection.model<StandardDoc>('CreditStandard', standardSchema);
  const one = async (filter: Record<string, unknown>) => {
    const doc = await standards.findOne(filter, HIDDEN).sort({ version: -1 }).lean<StandardDoc>();
    return doc ? toStandard(doc) : null;
  };
  return {
    async insert(s, events) {
      try {
        await standards.create({ _id: `${s.province}:${s.version}`, ...s, ...outboxOnInsert(events) });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      signal.notify();
      return true;
    },
    latest: (province) => one({ province }),
    inForce: (province, at) => one({ province, effectiveFrom: { $lte: at } }),
    version: (province, version) => one({ province, version }),
    async history(province, page) {
      const filter = { province };
      const [rows, total] = await Promise.all([
        standards
          .find(page.after !== null ? { ...filter, version: { $lt: page.after } } : filter, HIDDEN)
          .sort({ version: -1 })
          .limit(page.limit + 1)
          .lean<StandardDoc[]>(),
        standards.countDocuments(filter),
      ]);
      return { rows: rows.map(toStandard), total };
    },
  };
}
