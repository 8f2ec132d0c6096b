import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { CatalogAnswer, CatalogStore } from '../use-cases/ports';

export const CATALOG_ITEMS_COLLECTION = 'catalog_items';

/** The catalogue as the standards service's events describe it: the newest version of each code and its status. */
type CatalogDoc = {
  _id: string;
  version: number;
  scope: 'NATIONAL' | 'PROVINCIAL';
  province: string | null;
  status: 'PUBLISHED' | 'RETIRED';
};

const catalogSchema = new Schema<CatalogDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    scope: { type: String, required: true },
    province: { type: String, default: null },
    status: { type: String, required: true },
  },
  { collection: CATALOG_ITEMS_COLLECTION, versionKey: false },
);

export function createCatalogItemRepository(connection: Connection): CatalogStore {
  const items = connection.model<CatalogDoc>('CatalogItem', catalogSchema);

  /** Apply a fact if it is newer than what is stored (`older` says which stored versions it beats). */
  async function apply(doc: CatalogDoc, older: Record<string, unknown>): Promise<void> {
    const { _id, ...set } = doc;
    const result = await items.updateOne({ _id, ...older }, { $set: set });
    if (result.matchedCount === 1) return;
    try {
      await items.create(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // a newer fact is stored: keep it
    }
  }

  return {
    recordPublished: (f) =>
      apply(
        { _id: f.code, version: f.version, scope: f.scope, province: f.province, status: 'PUBLISHED' },
        { version: { $lt: f.version } },
      ),
    // Retiring version v beats version v published (and anything older), never a newer version.
    recordRetired: (f) =>
      apply({ _id: f.code, version: f.version, scope: f.scope, province: f.province, status: 'RETIRED' }, { version: { $lte: f.version } }),
    async statusOf(code, province): Promise<CatalogAnswer> {
      const doc = await items.findById(code).lean<CatalogDoc>();
      if (!doc || (doc.scope === 'PROVINCIAL' && doc.province !== province)) return 'UNKNOWN';
      return doc.status;
    },
  };
}
