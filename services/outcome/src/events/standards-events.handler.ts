import {
  CatalogItemPublished,
  CatalogItemRetired,
  CreditStandardPublished,
  InstitutionAccreditationSuspended,
  InstitutionAccredited,
} from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { ProjectionStore } from '../use-cases/ports';
import { recordAccreditation, recordCatalogItem, recordCatalogItemRetired, recordCreditStandard } from '../use-cases/projections.use-case';

/** Catalogue items, credit standards and accreditation, from the standards service. */
export function standardsEventHandlers(
  projections: ProjectionStore,
  hooks: {
    /** A credit standard was recorded: outcomes waiting for one may be decided now (asynchronously). */
    onCreditStandard?: (province: string) => void;
  } = {},
) {
  return [
    on(CatalogItemPublished, (e) => {
      const d = e.data;
      return recordCatalogItem(
        projections,
        {
          code: d.code,
          version: d.version,
          type: d.type,
          subtype: d.subtype,
          level: d.level,
          hours: d.hours,
          standardCredits: d.standardCredits,
          validityYears: d.validityYears,
          status: 'PUBLISHED',
          title: d.title,
          track: d.track,
          province: d.province,
          current: true,
        },
        d.supersedesVersion,
      );
    }),
    on(CatalogItemRetired, (e) => recordCatalogItemRetired(projections, e.data.code, e.data.version)),
    on(CreditStandardPublished, async (e) => {
      const d = e.data;
      await recordCreditStandard(projections, {
        province: d.province,
        version: d.version,
        effectiveFrom: new Date(d.effectiveFrom),
        pointsPerCredit: d.pointsPerCredit,
        rules: d.rules,
        itemRules: d.itemRules,
        annualCaps: d.annualCaps,
      });
      hooks.onCreditStandard?.(d.province);
    }),
    on(InstitutionAccredited, (e) => {
      const d = e.data;
      return recordAccreditation(
        projections,
        {
          institutionCode: d.institutionCode,
          province: d.province,
          status: 'ACTIVE',
          outcomeTypes: d.outcomeTypes,
          bulkDeposit: d.bulkDeposit,
          validUntil: new Date(d.validUntil),
        },
        new Date(d.accreditedAt),
      );
    }),
    on(InstitutionAccreditationSuspended, (e) => {
      const d = e.data;
      return recordAccreditation(
        projections,
        {
          institutionCode: d.institutionCode,
          province: d.province,
          status: 'SUSPENDED',
          outcomeTypes: d.outcomeTypes,
          bulkDeposit: d.bulkDeposit,
          validUntil: new Date(d.validUntil),
        },
        new Date(d.suspendedAt),
      );
    }),
  ];
}
