import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import { outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { Accreditation } from '../domain/accreditation';
import type { AccreditationStore } from '../use-cases/ports';

export const ACCREDITATIONS_COLLECTION = 'accreditations';

type AccreditationDoc = Omit<Accreditation, 'institutionCode'> & { _id: string };

const changeSchema = new Schema(
  {
    at: Date,
    by: String,
    action: String,
    outcomeTypes: [String],
    bulkDeposit: Boolean,
    validUntil: Date,
    reason: { type: String, default: null },
  },
  { _id: false },
);

const accreditationSchema = new Schema<AccreditationDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    status: { type: String, required: true },
    outcomeTypes: { type: [String], default: [] },
    bulkDeposit: { type: Boolean, required: true },
    validUntil: { type: Date, required: true },
    accreditedAt: { type: Date, required: true },
    accreditedBy: { type: String, required: true },
    suspendedAt: { type: Date, default: null },
    suspendedBy: { type: String, default: null },
    suspendReason: { type: String, default: null },
    history: { type: [changeSchema], default: [] },
    rev: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: ACCREDITATIONS_COLLECTION, versionKey: false, minimize: false },
);
accreditationSchema.index({ province: 1, _id: 1 });
accreditationSchema.index({ province: 1, status: 1, validUntil: 1 });

const HIDDEN = { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } as const;
const toAccreditation = ({ _id, ...rest }: AccreditationDoc): Accreditation => ({ institutionCode: _id, ...rest });

export function createAccreditationRepository(connection: Connection, signal: OutboxSignal): AccreditationStore {
  const accreditations = connection.model<AccreditationDoc>('Accreditation', accreditationSchema);
  return {
    async findByCodes(scope, codes) {
      if (!codes.length) return [];
      return (await accreditations.find(scoped(scope, { _id: { $in: [...codes] } }), HIDDEN).lean<AccreditationDoc[]>()).map(
        toAccreditation,
      );
    },
    async list(scope, f, page) {
      const filter: Record<string, unknown> = {};
      if (f.status === 'SUSPENDED') filter['status'] = 'SUSPENDED';
      if (f.status === 'ACTIVE' || f.status === 'EXPIRED') filter['status'] = 'ACTIVE';
      const validUntil: Record<string, Date> = {};
      if (f.status === 'ACTIVE') validUntil['$gte'] = f.now;
      if (f.status === 'EXPIRED') validUntil['$lt'] = f.now;
      if (f.expiringBefore)
        validUntil['$lt'] = validUntil['$lt'] && validUntil['$lt'] < f.expiringBefore ? validUntil['$lt'] : f.expiringBefore;
      if (Object.keys(validUntil).length) filter['validUntil'] = validUntil;
      if (f.outcomeType) filter['outcomeTypes'] = f.outcomeType;
      const base = scoped(scope, filter);
      const [rows, total] = await Promise.all([
        accreditations
          .find(page.after ? { ...base, _id: { $gt: page.after } } : base, HIDDEN)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<AccreditationDoc[]>(),
        accreditations.countDocuments(base),
      ]);
      return { rows: rows.map(toAccreditation), total };
    },
    async save(a, events) {
      const { institutionCode, rev, ...rest } = a;
      if (rev === 0) {
        try {
          await accreditations.create({ _id: institutionCode, ...rest, rev: 1, ...outboxOnInsert(events) });
        } catch (error) {
          if (isDuplicateKeyError(error)) return null;
          throw error;
        }
      } else {
        const result = await accreditations.updateOne(
          { _id: institutionCode, rev },
          withOutbox({ $set: { ...rest, rev: rev + 1 } }, events),
        );
        if (result.modifiedCount !== 1) return null;
      }
      if (events.length) signal.notify();
      return { ...a, rev: rev + 1 };
    },
  };
}
