import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import { outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { CatalogEntry, CatalogItemVersion, CatalogScope } from '../domain/catalog-item';
import { draftOf, publicHead, searchTextOf } from '../domain/catalog-item';
import type { CatalogListFilter, CatalogStore, DraftScope } from '../use-cases/ports';

export const CATALOG_COLLECTION = 'catalog_items';

/** Search fields of one version, kept beside the versions so listings are indexed queries. */
interface Head {
  version: number;
  status: string;
  type: string;
  subtype: string | null;
  level: number | null;
  track: string | null;
  field: string | null;
  text: string;
}

interface CatalogDoc {
  _id: string;
  scope: CatalogScope;
  province: string | null;
  versions: CatalogItemVersion[];
  rev: number;
  /** The public head (latest non-draft version). */
  pub: Head | null;
  /** The pending draft. */
  drf: Head | null;
}

const versionSchema = new Schema<CatalogItemVersion>(
  {
    code: String,
    version: Number,
    status: String,
    scope: String,
    province: { type: String, default: null },
    name: String,
    type: String,
    subtype: { type: String, default: null },
    level: { type: Number, default: null },
    track: { type: String, default: null },
    field: { type: String, default: null },
    hours: { type: Number, default: null },
    standardCredits: { type: Number, default: null },
    validityYears: { type: Number, default: null },
    evidenceRequired: { type: [String], default: [] },
    description: { type: String, default: null },
    createdAt: Date,
    createdBy: String,
    updatedAt: Date,
    publishedAt: { type: Date, default: null },
    publishedBy: { type: String, default: null },
    retiredAt: { type: Date, default: null },
    retiredBy: { type: String, default: null },
    retireReason: { type: String, default: null },
    supersededBy: { type: Number, default: null },
  },
  { _id: false },
);

const headSchema = new Schema<Head>(
  {
    version: Number,
    status: String,
    type: String,
    subtype: { type: String, default: null },
    level: { type: Number, default: null },
    track: { type: String, default: null },
    field: { type: String, default: null },
    text: String,
  },
  { _id: false },
);

const catalogSchema = new Schema<CatalogDoc>(
  {
    _id: { type: String, required: true },
    scope: { type: String, required: true },
    province: { type: String, default: null },
    versions: { type: [versionSchema], default: [] },
    rev: { type: Number, required: true },
    pub: { type: headSchema, default: null },
    drf: { type: headSchema, default: null },
    ...outboxSchemaFields,
  },
  { collection: CATALOG_COLLECTION, versionKey: false, minimize: false },
);
catalogSchema.index({ 'pub.status': 1, _id: 1 });
catalogSchema.index({ 'pub.status': 1, 'pub.type': 1, 'pub.subtype': 1, _id: 1 });
catalogSchema.index({ 'pub.track': 1, 'pub.level': 1 });
catalogSchema.index({ scope: 1, province: 1, _id: 1 });
catalogSchema.index({ 'drf.version': 1, province: 1 });

const HIDDEN = { _outbox: 0, _outboxCount: 0, _outboxWrite: 0, pub: 0, drf: 0 } as const;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function headOf(v: CatalogItemVersion | null): Head | null {
  if (!v) return null;
  return {
    version: v.version,
    status: v.status,
    type: v.type,
    subtype: v.subtype,
    level: v.level,
    track: v.track,
    field: v.field,
    text: searchTextOf(v),
  };
}

function coversDrafts(drafts: DraftScope, doc: Pick<CatalogDoc, 'scope' | 'province'>): boolean {
  if (drafts === null) return false;
  if ('all' in drafts) return true;
  return doc.scope === 'PROVINCIAL' && doc.province === drafts.province;
}

/** The entry as the scope may see it: drafts it does not cover are left out; nothing left = missing. */
function toEntry(doc: CatalogDoc, drafts: DraftScope): CatalogEntry | null {
  const versions = (coversDrafts(drafts, doc) ? doc.versions : doc.versions.filter((v) => v.status !== 'DRAFT')).map((v) => ({
    ...v,
    evidenceRequired: [...(v.evidenceRequired ?? [])],
  }));
  if (!versions.length) return null;
  return { code: doc._id, scope: doc.scope, province: doc.province ?? null, versions, rev: doc.rev };
}

export function createCatalogRepository(connection: Connection, signal: OutboxSignal): CatalogStore {
  const items = connection.model<CatalogDoc>('CatalogItem', catalogSchema);
  const stateOf = (entry: CatalogEntry, rev: number) => ({
    scope: entry.scope,
    province: entry.province,
    versions: entry.versions,
    rev,
    pub: headOf(publicHead(entry)),
    drf: headOf(draftOf(entry)),
  });
  return {
    async findByCodes(drafts, codes) {
      if (!codes.length) return [];
      const docs = await items.find({ _id: { $in: [...codes] } }, HIDDEN).lean<CatalogDoc[]>();
      return docs.map((d) => toEntry(d, drafts)).filter((e): e is CatalogEntry => e !== null);
    },

    async list(drafts, f: CatalogListFilter, page) {
      const filter: Record<string, unknown> = {};
      const prefix = f.status === 'DRAFT' ? 'drf' : 'pub';
      if (f.status === 'DRAFT') {
        if (drafts === null) return { rows: [], total: 0 };
        filter['drf.version'] = { $gte: 1 };
        if (!('all' in drafts)) {
          filter['scope'] = 'PROVINCIAL';
          filter['province'] = drafts.province;
        }
      } else {
        filter['pub.status'] = f.status;
      }
      if (f.type) filter[`${prefix}.type`] = f.type;
      if (f.subtype) filter[`${prefix}.subtype`] = f.subtype;
      if (f.level !== undefined) filter[`${prefix}.level`] = f.level;
      if (f.track) filter[`${prefix}.track`] = f.track;
      if (f.field) filter[`${prefix}.field`] = f.field;
      if (f.search) filter[`${prefix}.text`] = { $regex: escapeRegex(f.search) };
      if (f.scope) {
        if (filter['scope'] && filter['scope'] !== f.scope) return { rows: [], total: 0 };
        filter['scope'] = f.scope;
      }
      if (f.usableIn) {
        if (typeof filter['province'] === 'string') {
          if (filter['province'] !== f.usableIn) return { rows: [], total: 0 };
        } else {
          filter['$or'] = [{ scope: 'NATIONAL' }, { province: f.usableIn }];
        }
      }
      const [rows, total] = await Promise.all([
        items
          .find(page.after ? { ...filter, _id: { $gt: page.after } } : filter, HIDDEN)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<CatalogDoc[]>(),
        items.countDocuments(filter),
      ]);
      return { rows: rows.map((d) => toEntry(d, drafts)).filter((e): e is CatalogEntry => e !== null), total };
    },

    async insert(entry, events) {
      try {
        await items.create({ _id: entry.code, ...stateOf(entry, 1), ...outboxOnInsert(events) });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      if (events.length) signal.notify();
      return true;
    },

    async update(entry, events) {
      const rev = entry.rev + 1;
      const result = await items.updateOne({ _id: entry.code, rev: entry.rev }, withOutbox({ $set: stateOf(entry, rev) }, events));
      if (result.modifiedCount !== 1) return null;
      if (events.length) signal.notify();
      return { ...entry, rev };
    },
  };
}
