import { Schema, type Connection } from '@creditbank/mongo';
import type { QualificationLevel } from '../domain/qualification-level';
import type { QualificationLevelStore } from '../use-cases/ports';

export const QUALIFICATION_LEVELS_COLLECTION = 'qualification_levels';

/** The national framework's levels as configured (national reference data: no province). */
type LevelDoc = Omit<QualificationLevel, 'level'> & { _id: number; updatedAt: Date; updatedBy: string };

const levelSchema = new Schema<LevelDoc>(
  {
    _id: { type: Number, required: true },
    name: { type: String, required: true },
    descriptor: { type: String, required: true },
    vocationalEquivalent: { type: String, default: null },
    academicEquivalent: { type: String, default: null },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: QUALIFICATION_LEVELS_COLLECTION, versionKey: false },
);

export function createQualificationLevelRepository(connection: Connection): QualificationLevelStore {
  const levels = connection.model<LevelDoc>('QualificationLevel', levelSchema);
  return {
    async list() {
      const docs = await levels.find({}).sort({ _id: 1 }).limit(50).lean<LevelDoc[]>();
      return docs.map((d) => ({
        level: d._id,
        name: d.name,
        descriptor: d.descriptor,
        vocationalEquivalent: d.vocationalEquivalent ?? null,
        academicEquivalent: d.academicEquivalent ?? null,
      }));
    },
    async upsert(l, at, by) {
      const { level, ...rest } = l;
      await levels.updateOne({ _id: level }, { $set: { ...rest, updatedAt: at, updatedBy: by } }, { upsert: true });
    },
  };
}
