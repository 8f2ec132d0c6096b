import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { Institution } from '../domain/institution';
import type { InstitutionStore } from '../use-cases/ports';

export const INSTITUTIONS_COLLECTION = 'institutions';

type InstitutionDoc = Omit<Institution, 'code'> & { _id: string };

const institutionSchema = new Schema<InstitutionDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, required: true },
    province: { type: String, required: true },
    adminDivision: { type: String, required: true },
    status: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  },
  { collection: INSTITUTIONS_COLLECTION, versionKey: false, minimize: false },
);
institutionSchema.index({ province: 1, _id: 1 });
institutionSchema.index({ province: 1, category: 1, _id: 1 });
institutionSchema.index({ province: 1, adminDivision: 1 });

const PUBLIC = OUTBOX_HIDDEN;
const toInstitution = ({ _id, ...rest }: InstitutionDoc): Institution => ({ code: _id, ...rest });
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createInstitutionRepository(connection: Connection, signal: OutboxSignal): InstitutionStore {
  const institutions = connection.model<InstitutionDoc>('Institution', institutionSchema);
  return {
    async insert(i, events) {
      const { code, ...rest } = i;
      try {
        await institutions.create({ _id: code, ...rest, ...outboxOnInsert(events) });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      signal.notify();
      return true;
    },
    async findByCodes(scope: TenantScope, codes) {
      return (await institutions.find(scoped(scope, { _id: { $in: [...codes] } }), PUBLIC).lean<InstitutionDoc[]>()).map(toInstitution);
    },
    async list(scope: TenantScope, f, page) {
      const filter: Record<string, unknown> = {};
      if (f.category) filter['category'] = f.category;
      if (f.divisionPrefix) filter['adminDivision'] = { $gte: f.divisionPrefix, $lt: `${f.divisionPrefix}~` };
      if (f.search) filter['name'] = { $regex: escapeRegex(f.search) };
      const base = scoped(scope, filter);
      const [rows, total] = await Promise.all([
        institutions
          .find(page.after ? { ...base, _id: { $gt: page.after } } : base, PUBLIC)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<InstitutionDoc[]>(),
        institutions.countDocuments(base),
      ]);
      return { rows: rows.map(toInstitution), total };
    },
    async update(code, updatedAt, set, eventsOf) {
      const current = await institutions.findById(code, PUBLIC).lean<InstitutionDoc>();
      if (!current) return null;
      const after = toInstitution({ ...current, ...set, updatedAt });
      const result = await institutions.updateOne(
        { _id: code, updatedAt: current.updatedAt },
        withOutbox({ $set: { ...set, updatedAt } }, eventsOf(after)),
      );
      if (result.modifiedCount !== 1) return null;
      signal.notify();
      return after;
    },
  };
}
