import { CatalogItemPublished, CatalogItemRetired } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { CatalogStore } from '../use-cases/ports';

/** The catalogue projection that checks learning projects' catalogue item codes. Idempotent (newest version wins). */
export const catalogItemHandlers = (catalog: CatalogStore) => [
  on(CatalogItemPublished, (e) =>
    catalog.recordPublished({ code: e.data.code, version: e.data.version, scope: e.data.scope, province: e.data.province }),
  ),
  on(CatalogItemRetired, (e) =>
    catalog.recordRetired({ code: e.data.code, version: e.data.version, scope: e.data.scope, province: e.data.province }),
  ),
];
