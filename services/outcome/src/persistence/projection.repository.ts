import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { AccreditationFacts, CatalogItemVersion, CreditStandardVersion, InstitutionFacts, LearnerLink } from '../domain/projections';
import type { ProjectionStore } from '../use-cases/ports';

/** Projections of other services' facts (from their events). Keyed so that every write is idempotent. */
type LinkDoc = Omit<LearnerLink, 'idHash'> & { _id: string; at: Date };
type InstitutionDoc = Omit<InstitutionFacts, 'code'> & { _id: string; at: Date };
type AccreditationDoc = Omit<AccreditationFacts, 'institutionCode'> & { _id: string; at: Date };
type ItemDoc = CatalogItemVersion & { _id: string };
type StandardDoc = CreditStandardVersion & { _id: string };

const linkSchema = new Schema<LinkDoc>(
  {
    _id: String,
    accountNo: { type: String, required: true },
    province: { type: String, required: true },
    status: { type: String, required: true },
    nameMasked: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'learner_links', versionKey: false },
);
linkSchema.index({ accountNo: 1 });

const institutionSchema = new Schema<InstitutionDoc>(
  { _id: String, name: String, province: String, category: String, status: String, at: Date },
  { collection: 'institutions', versionKey: false },
);
const accreditationSchema = new Schema<AccreditationDoc>(
  { _id: String, province: String, status: String, outcomeTypes: [String], bulkDeposit: Boolean, validUntil: Date, at: Date },
  { collection: 'accreditations', versionKey: false },
);
const itemSchema = new Schema<ItemDoc>(
  {
    _id: String,
    code: { type: String, required: true },
    version: { type: Number, required: true },
    type: String,
    subtype: { type: String, default: null },
    level: { type: Number, default: null },
    hours: { type: Number, default: null },
    standardCredits: { type: Number, default: null },
    validityYears: { type: Number, default: null },
    status: String,
    title: String,
    track: { type: String, default: null },
    province: { type: String, default: null },
    current: { type: Boolean, default: false },
  },
  { collection: 'catalog_items', versionKey: false },
);
itemSchema.index({ code: 1, current: 1 });
const standardSchema = new Schema<StandardDoc>(
  {
    _id: String,
    province: { type: String, required: true },
    version: { type: Number, required: true },
    effectiveFrom: { type: Date, required: true },
    pointsPerCredit: Number,
    rules: { type: Array, default: [] },
    itemRules: { type: Array, default: [] },
    annualCaps: { type: Array, default: [] },
  },
  { collection: 'credit_standards', versionKey: false },
);
standardSchema.index({ province: 1, effectiveFrom: -1, version: -1 });

/** Upsert only when the stored fact is older: redelivered or reordered events change nothing. */
async function newerWins<T extends { at: Date }>(
  model: {
    updateOne(filter: object, update: object): PromiseLike<unknown>;
    create(doc: object): PromiseLike<unknown>;
  },
  id: string,
  doc: Omit<T, '_id'>,
): Promise<void> {
  const result = (await model.updateOne({ _id: id, at: { $lt: doc.at } }, { $set: doc })) as { matchedCount: number };
  if (result.matchedCount === 0) {
    try {
      await model.create({ _id: id, ...doc });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // a newer fact is stored
    }
  }
}

export function createProjectionRepository(connection: Connection): ProjectionStore {
  const links = connection.model<LinkDoc>('LearnerLink', linkSchema);
  const institutions = connection.model<InstitutionDoc>('InstitutionFacts', institutionSchema);
  const accreditations = connection.model<AccreditationDoc>('Accreditation', accreditationSchema);
  const items = connection.model<ItemDoc>('CatalogItemVersion', itemSchema);
  const standards = connection.model<StandardDoc>('CreditStandard', standardSchema);
  const toLink = (d: LinkDoc): LearnerLink => ({
    idHash: d._id,
    accountNo: d.accountNo,
    province: d.province,
    status: d.status,
    nameMasked: d.nameMasked ?? null,
  });
  const toItem = ({ _id: _ignored, ...d }: ItemDoc): CatalogItemVersion => ({ ...d });

  return {
    async linksByIdHash(hashes) {
      return hashes.length ? (await links.find({ _id: { $in: [...hashes] } }).lean<LinkDoc[]>()).map(toLink) : [];
    },
    async linkByAccountNo(accountNo) {
      const d = await links.findOne({ accountNo }).lean<LinkDoc>();
      return d ? toLink(d) : null;
    },
    async upsertLink(link, at) {
      const { idHash, ...rest } = link;
      await newerWins<LinkDoc>(links, idHash, { ...rest, at });
    },
    async setLinkStatus(accountNo, status, at, release) {
      if (release) {
        // Identity mismatch: the key belongs to nobody now (the real person may open an account).
        await links.deleteOne({ accountNo, at: { $lt: at } });
        return;
      }
      await links.updateOne({ accountNo, at: { $lt: at } }, { $set: { status, at } });
    },
    async institutions(codes) {
      return codes.length
        ? (await institutions.find({ _id: { $in: [...codes] } }).lean<InstitutionDoc[]>()).map(({ _id, at: _at, ...d }) => ({
            code: _id,
            ...d,
          }))
        : [];
    },
    async upsertInstitution(i, at) {
      const { code, ...rest } = i;
      await newerWins<InstitutionDoc>(institutions, code, { ...rest, at });
    },
    async accreditation(code) {
      const d = await accreditations.findById(code).lean<AccreditationDoc>();
      return d
        ? {
            institutionCode: d._id,
            province: d.province,
            status: d.status,
            outcomeTypes: d.outcomeTypes,
            bulkDeposit: d.bulkDeposit,
            validUntil: d.validUntil,
          }
        : null;
    },
    async upsertAccreditation(a, at) {
      const { institutionCode, ...rest } = a;
      await newerWins<AccreditationDoc>(accreditations, institutionCode, { ...rest, at });
    },
    async currentItems(codes) {
      return codes.length ? (await items.find({ code: { $in: [...codes] }, current: true }).lean<ItemDoc[]>()).map(toItem) : [];
    },
    async itemVersions(keys) {
      if (keys.length === 0) return [];
      return (await items.find({ _id: { $in: keys.map((k) => `${k.code}@${k.version}`) } }).lean<ItemDoc[]>()).map(toItem);
    },
    async upsertItemVersion(item, supersedes) {
      const id = `${item.code}@${item.version}`;
      // A version's facts never change once published, so a replay writes the same document.
      const newest = await items.findOne({ code: item.code }).sort({ version: -1 }).lean<ItemDoc>();
      const current = !newest || newest.version <= item.version;
      await items.updateOne({ _id: id }, { $set: { ...item, current: current && item.status !== 'RETIRED' } }, { upsert: true });
      if (current) await items.updateMany({ code: item.code, version: { $ne: item.version } }, { $set: { current: false } });
      if (supersedes) await items.updateOne({ _id: `${item.code}@${supersedes}` }, { $set: { current: false, status: 'RETIRED' } });
    },
    async retireItem(code, version) {
      await items.updateOne({ _id: `${code}@${version}` }, { $set: { current: false, status: 'RETIRED' } });
    },
    async standardInForce(province, at) {
      const d = await standards
        .findOne({ province, effectiveFrom: { $lte: at } })
        .sort({ effectiveFrom: -1, version: -1 })
        .lean<StandardDoc>();
      if (!d) return null;
      const { _id: _ignored, ...rest } = d;
      return rest;
    },
    async standardProvinces() {
      return ((await standards.distinct('province')) as string[]).sort();
    },
    async upsertStandard(s) {
      await standards.updateOne({ _id: `${s.province}@${s.version}` }, { $set: { ...s } }, { upsert: true });
    },
  };
}
