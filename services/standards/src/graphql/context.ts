import { DataLoader, commandOf, keyedLoader, type BaseContext } from '@creditbank/server';
import type { CommandContext } from '@creditbank/kernel';
import type { CatalogEntry } from '../domain/catalog-item';
import type { Accreditation } from '../domain/accreditation';
import type { CourseCertification } from '../domain/course-certification';
import type { CreditStandard } from '../domain/credit-standard';
import type { QualificationLevel } from '../domain/qualification-level';
import type {
  AccreditationStore,
  CatalogStore,
  CertificationStore,
  CreditStandardStore,
  InstitutionStore,
  QualificationLevelStore,
} from '../use-cases/ports';
import { getCatalogEntries } from '../use-cases/get-catalog-items.use-case';
import { getAccreditations } from '../use-cases/accreditation.use-case';
import { getCertifications } from '../use-cases/course-certification.use-case';
import { listQualificationLevels } from '../use-cases/qualification-levels.use-case';

/** Long-lived dependencies of the resolvers (wired in main.ts). */
export interface StandardsDeps {
  catalog: CatalogStore;
  standards: CreditStandardStore;
  levels: QualificationLevelStore;
  institutions: InstitutionStore;
  accreditations: AccreditationStore;
  certifications: CertificationStore;
  requiredApprovals: number;
}

export interface StandardsContext extends BaseContext {
  deps: StandardsDeps;
  now: Date;
  loaders: {
    /** Catalogue items by code, drafts only where the caller may see them. */
    catalog: DataLoader<string, CatalogEntry | null>;
    accreditation: DataLoader<string, Accreditation | null>;
    certification: DataLoader<string, CourseCertification | null>;
    /** The credit standard in force now, by province (for CreditStandard.status). */
    standardInForce: DataLoader<string, CreditStandard | null>;
    levels: DataLoader<'all', QualificationLevel[]>;
  };
  command(): CommandContext;
}

export function buildStandardsContext(deps: StandardsDeps) {
  return (base: BaseContext): StandardsContext => {
    const now = new Date();
    return {
      ...base,
      deps,
      now,
      loaders: {
        // Tenancy is applied per key in the use-cases: what the caller may not see resolves to null.
        catalog: keyedLoader(
          async (codes) => (await getCatalogEntries(deps.catalog, base.caller, codes)).filter((e): e is CatalogEntry => e !== null),
          (e) => e.code,
        ),
        accreditation: keyedLoader(
          async (codes) => (await getAccreditations(deps.accreditations, base.caller, codes)).filter((a): a is Accreditation => a !== null),
          (a) => a.institutionCode,
        ),
        certification: keyedLoader(
          async (ids) =>
            (await getCertifications(deps.certifications, base.caller, ids)).filter((c): c is CourseCertification => c !== null),
          (c) => c.id,
        ),
        standardInForce: keyedLoader(
          async (provinces) =>
            (await Promise.all(provinces.map((p) => deps.standards.inForce(p, now)))).filter((s): s is CreditStandard => s !== null),
          (s) => s.province,
        ),
        levels: new DataLoader<'all', QualificationLevel[]>(async (keys) => {
          const levels = await listQualificationLevels(deps.levels);
          return keys.map(() => levels);
        }),
      },
      command: () => commandOf(base, now),
    };
  };
}
