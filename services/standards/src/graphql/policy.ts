import { PUBLIC, allow, type Policy } from '@creditbank/kernel';

const inputProvince = (args: Record<string, unknown>) => (args['input'] as { province?: unknown } | undefined)?.province;
const filterProvince = (args: Record<string, unknown>) => (args['filter'] as { province?: unknown } | undefined)?.province;
/** The province a catalogue code belongs to (provincial codes start with it); national codes name none. */
const codeProvince = (code: unknown) => (typeof code === 'string' && /^\s*[1-9][0-9]-/.test(code) ? code.trim().slice(0, 2) : undefined);

/**
 * Who may call each operation of the standards subgraph (default deny).
 *
 * Public: the catalogue, its subtypes, the qualification framework, credit standards (published
 * documents, any province), the credit preview and the import data standard. Drafts are visible only
 * to those who may edit them (decided per item in the use-cases). National catalogue items are edited
 * by PLATFORM_ADMIN, provincial ones by that province's CENTER_ADMIN. Accreditation is the centre's
 * (CENTER_ADMIN only). Course certifications: institution admins submit for their own institution,
 * experts of the province review.
 */
export const standardsPolicy: Policy = {
  'Query.catalogItem': PUBLIC,
  'Query.catalogItems': PUBLIC,
  'Query.catalogSubtypes': PUBLIC,
  'Query.qualificationLevels': PUBLIC,
  'Query.creditStandard': PUBLIC,
  'Query.creditStandardVersions': PUBLIC,
  'Query.creditPreview': PUBLIC,
  'Query.outcomeImportSchema': PUBLIC,
  'Query.accreditations': allow(['CENTER_ADMIN', 'ANALYST', 'PLATFORM_ADMIN'], { provinceOf: filterProvince }),
  'Query.courseCertification': allow(['INSTITUTION_ADMIN', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Query.courseCertifications': allow(['INSTITUTION_ADMIN', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.upsertCatalogItem': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], {
    provinceOf: (a) => codeProvince((a['input'] as { code?: unknown } | undefined)?.code),
  }),
  'Mutation.publishCatalogItem': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], { provinceOf: (a) => codeProvince(a['code']) }),
  'Mutation.retireCatalogItem': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], { provinceOf: (a) => codeProvince(a['code']) }),
  'Mutation.publishCreditStandard': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], { provinceOf: inputProvince }),
  'Mutation.upsertQualificationLevel': allow(['PLATFORM_ADMIN']),
  'Mutation.accreditInstitution': allow(['CENTER_ADMIN']),
  'Mutation.suspendAccreditation': allow(['CENTER_ADMIN']),
  'Mutation.submitCourseCertification': allow(['INSTITUTION_ADMIN'], { requires: ['inst'] }),
  'Mutation.reviewCourseCertification': allow(['EXPERT']),
};
