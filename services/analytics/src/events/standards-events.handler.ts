import { CatalogItemPublished, CatalogItemRetired } from '@creditbank/contracts';
import { on, type HandlerRegistration } from '@creditbank/events';
import type { FactWriter } from '../use-cases/ports';

/** The catalogue (levels and tracks for profiles and recommendations) from `creditbank.standards.v1`. */
export function standardsEventHandlers(facts: FactWriter): HandlerRegistration[] {
  return [
    on(CatalogItemPublished, async ({ data: d }) =>
      facts.catalogItemPublished({
        code: d.code,
        version: d.version,
        province: d.province,
        title: d.title,
        type: d.type,
        level: d.level,
        track: d.track,
      }),
    ),
    on(CatalogItemRetired, async ({ data: d }) => facts.catalogItemRetired({ code: d.code, version: d.version })),
  ];
}
