import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import type { InstitutionFacts } from '../domain/institution';
import type { InstitutionStore } from '../use-cases/ports';

export const INSTITUTIONS_COLLECTION = 'institutions';

/** Projection of the account service's institutions (learned from its events). */
type InstitutionDoc = Omit<InstitutionFacts, 'code'> & { _id: string };

const institutionSchema = new Schema<InstitutionDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, required: true },
    province: { type: String, required: true },
    adminDivision: { type: String, required: true },
    status: { type: String, required: true },
    factAt: { type: Date, required: true },
  },
  { collection: INSTITUTIONS_COLLECTION, versionKey: false },
);
institutionSchema.index({ province: 1, _id: 1 });

export function createInstitutionRepository(connection: Connection): InstitutionStore {
  const institutions = connection.model<InstitutionDoc>('Institution', institutionSchema);
  return {
    async upsertIfNewer(f) {
      const { code, ...rest } = f;
      try {
        // Matches only an older record (or none: then it is inserted). A newer or equal one makes the
        // upsert collide on _id, which means "already known": nothing changes.
        const r = await institutions.updateOne({ _id: code, factAt: { $lt: f.factAt } }, { $set: rest }, { upsert: true });
        return r.modifiedCount + r.upsertedCount > 0;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async findByCodes(scope, codes) {
      if (!codes.length) return [];
      const docs = await institutions.find(scoped(scope, { _id: { $in: [...codes] } })).lean<InstitutionDoc[]>();
      return docs.map(({ _id, ...rest }) => ({ code: _id, ...rest }));
    },
  };
}
