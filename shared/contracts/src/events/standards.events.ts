import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { Nullable, ProvinceCode, Timestamp } from './common';

/**
 * Standards events (`creditbank.standards.v1`). They carry everything downstream services need to
 * keep their own projections without calling the standards service: the full facts of each published
 * catalogue item version, every rule of each published credit standard (the input of
 * `computeCredits` in @creditbank/credit-rules, field for field), accreditation terms, and course
 * certification outcomes.
 *
 * National catalogue items belong to no province: their data says `scope: NATIONAL, province: null`
 * and their envelope carries `province: "10"` (NATIONAL_PROVINCE, not a GB/T 2260 province code).
 */
export const NATIONAL_PROVINCE = '10';

/** Same pattern as CATALOG_CODE_PATTERN in @creditbank/credit-rules: national `VSC-ELEC-G4`, provincial `33-ZJOU-AGEC101`. */
const CatalogCode = Type.String({
  pattern: '^(?=.{3,40}$)(?:[A-Z][A-Z0-9]*|[1-9][0-9]-[A-Z0-9]+)(?:-[A-Z0-9]+)*$',
  description: 'Catalogue item code; provincial items start with their province code',
});
const InstitutionCode = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: 'Unified social credit code (GB 32100)' });
const OutcomeType = Type.Union([Type.Literal('ACADEMIC'), Type.Literal('VOCATIONAL'), Type.Literal('NON_ACADEMIC')]);
const Scope = Type.Union([Type.Literal('NATIONAL'), Type.Literal('PROVINCIAL')], {
  description: 'NATIONAL (maintained by the platform) or PROVINCIAL (by one province’s centre)',
});
const Actor = Type.String({ minLength: 1, maxLength: 64, description: 'Staff user id, or "seed" / "system"' });
const Subtype = Type.String({ minLength: 1, maxLength: 40, description: 'Catalogue subtype, e.g. SKILL_CERTIFICATE' });
const Credits = Type.Number({ minimum: 0, maximum: 1000 });
const Version = Type.Integer({ minimum: 1 });

const itemFacts = {
  code: CatalogCode,
  version: Version,
  scope: Scope,
  province: Nullable(ProvinceCode),
  title: Type.String({ minLength: 1, maxLength: 100, description: 'The item’s name (CatalogItem.name in the graph)' }),
  type: OutcomeType,
  subtype: Nullable(Subtype),
  level: Nullable(Type.Integer({ minimum: 1, maximum: 20, description: 'Qualification framework level (1 = entry)' })),
  track: Nullable(
    Type.String({ minLength: 1, maxLength: 40, description: 'Items of one progression (e.g. the five skill levels of an occupation)' }),
  ),
  field: Nullable(Type.String({ minLength: 1, maxLength: 50, description: 'Field of study or occupation category (专业学科类别)' })),
  hours: Nullable(Type.Number({ minimum: 0, maximum: 10000, description: 'Reference hours (学时)' })),
  standardCredits: Nullable(Credits),
  validityYears: Nullable(Type.Integer({ minimum: 1, maximum: 100 })),
  evidenceRequired: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 10 }),
};

const exampleItem = {
  code: 'VSC-ELEC-G4',
  version: 2,
  scope: 'NATIONAL' as const,
  province: null,
  title: '电工（四级/中级工）职业技能等级证书',
  type: 'VOCATIONAL' as const,
  subtype: 'SKILL_CERTIFICATE',
  level: 2,
  track: 'VSC-ELEC',
  field: '装备制造大类',
  hours: 300,
  standardCredits: 6,
  validityYears: null,
  evidenceRequired: ['职业技能等级证书编号', '证书查询截图'],
};

export const CatalogItemPublished = defineEvent({
  type: 'creditbank.catalog-item.published.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description:
    'A catalogue item version was published; it never changes afterwards. Carries all facts of the version. When it replaces an earlier published version, supersedesVersion names it: that version is RETIRED from now on (outcomes recognised under it keep it).',
  data: Type.Object(
    { ...itemFacts, supersedesVersion: Nullable(Version), publishedAt: Timestamp, publishedBy: Actor },
    { additionalProperties: false },
  ),
  key: (d) => d.code,
  subject: (d) => `catalog-item/${d.code}/v${d.version}`,
  example: { ...exampleItem, supersedesVersion: 1, publishedAt: '2026-11-27T08:00:00.000Z', publishedBy: 'su-platform-1' },
});

export const CatalogItemRetired = defineEvent({
  type: 'creditbank.catalog-item.retired.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description:
    'The published version of a catalogue item was retired: no new outcomes should be mapped to the item until a new version is published. Outcomes already recognised keep their version.',
  data: Type.Object(
    {
      code: CatalogCode,
      version: Version,
      scope: Scope,
      province: Nullable(ProvinceCode),
      reason: Nullable(Type.String({ minLength: 1, maxLength: 500 })),
      retiredAt: Timestamp,
      retiredBy: Actor,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.code,
  subject: (d) => `catalog-item/${d.code}/v${d.version}`,
  example: {
    code: 'VSC-ELEC-G4',
    version: 2,
    scope: 'NATIONAL',
    province: null,
    reason: '国家职业技能标准修订，停止认定',
    retiredAt: '2027-03-01T08:00:00.000Z',
    retiredBy: 'su-platform-1',
  },
});

const Method = Type.Union([
  Type.Literal('FIXED'),
  Type.Literal('PER_HOURS'),
  Type.Literal('ITEM_STANDARD'),
  Type.Literal('LEVEL_TABLE'),
  Type.Literal('DECLARED'),
]);
const Rounding = Type.Union([Type.Literal('DOWN'), Type.Literal('NEAREST'), Type.Literal('UP')]);
const Points = Type.Number({ minimum: 0, maximum: 10000 });

const CreditRuleSchema = Type.Object(
  {
    type: OutcomeType,
    subtype: Nullable(Subtype),
    method: Method,
    credits: Nullable(Credits),
    hoursPerCredit: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
    roundingStep: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
    rounding: Nullable(Rounding),
    levelCredits: Type.Array(
      Type.Object({ level: Type.Integer({ minimum: 1, maximum: 20 }), credits: Credits }, { additionalProperties: false }),
      {
        maxItems: 20,
      },
    ),
    maxPerOutcome: Nullable(Credits),
    maxPerItem: Nullable(Credits),
    minScore: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
    pointsPerCredit: Nullable(Points),
  },
  { additionalProperties: false },
);

export const CreditStandardPublished = defineEvent({
  type: 'creditbank.credit-standard.published.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description:
    'A province published a new version of its credit standard (学分标准), complete with every rule. It is in force from effectiveFrom until a later version takes effect; earlier versions never change. {province, version, pointsPerCredit, rules, itemRules, annualCaps} is exactly the CreditStandardRules input of computeCredits (@creditbank/credit-rules).',
  data: Type.Object(
    {
      province: ProvinceCode,
      version: Version,
      title: Type.String({ minLength: 1, maxLength: 100, description: 'The standard’s name (CreditStandard.name in the graph)' }),
      effectiveFrom: Timestamp,
      supersedesVersion: Nullable(Version),
      pointsPerCredit: Points,
      rules: Type.Array(CreditRuleSchema, { maxItems: 50 }),
      itemRules: Type.Array(
        Type.Object(
          { catalogItemCode: CatalogCode, credits: Credits, maxPerItem: Nullable(Credits), pointsPerCredit: Nullable(Points) },
          { additionalProperties: false },
        ),
        { maxItems: 500 },
      ),
      annualCaps: Type.Array(
        Type.Object({ type: Nullable(OutcomeType), subtype: Nullable(Subtype), maxCredits: Credits }, { additionalProperties: false }),
        { maxItems: 20 },
      ),
      publishedAt: Timestamp,
      publishedBy: Actor,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.province,
  subject: (d) => `credit-standard/${d.province}/v${d.version}`,
  example: {
    province: '33',
    version: 2,
    title: '浙江省终身学习学分银行学分认定标准（2026版）',
    effectiveFrom: '2026-12-01T00:00:00.000Z',
    supersedesVersion: 1,
    pointsPerCredit: 100,
    rules: [
      {
        type: 'VOCATIONAL',
        subtype: 'SKILL_CERTIFICATE',
        method: 'LEVEL_TABLE',
        credits: null,
        hoursPerCredit: null,
        roundingStep: null,
        rounding: null,
        levelCredits: [
          { level: 1, credits: 4 },
          { level: 2, credits: 6 },
        ],
        maxPerOutcome: null,
        maxPerItem: null,
        minScore: null,
        pointsPerCredit: null,
      },
      {
        type: 'NON_ACADEMIC',
        subtype: null,
        method: 'PER_HOURS',
        credits: null,
        hoursPerCredit: 18,
        roundingStep: 0.5,
        rounding: 'DOWN',
        levelCredits: [],
        maxPerOutcome: 2,
        maxPerItem: 2,
        minScore: null,
        pointsPerCredit: null,
      },
    ],
    itemRules: [{ catalogItemCode: 'HL-FIRST-AID', credits: 1, maxPerItem: 1, pointsPerCredit: null }],
    annualCaps: [{ type: 'NON_ACADEMIC', subtype: null, maxCredits: 10 }],
    publishedAt: '2026-11-27T08:00:00.000Z',
    publishedBy: 'su-admin-33',
  },
});

const AccreditationStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('SUSPENDED'), Type.Literal('EXPIRED')]);
const accreditationTerms = {
  institutionCode: InstitutionCode,
  province: ProvinceCode,
  outcomeTypes: Type.Array(OutcomeType, { minItems: 1, maxItems: 3, uniqueItems: true, description: 'Outcome types it may deposit' }),
  bulkDeposit: Type.Boolean({ description: 'Whether it may bulk-import outcomes (importOutcomes)' }),
  validUntil: Type.String({ format: 'date-time', description: 'The accreditation lapses after this instant' }),
};
const exampleTerms = {
  institutionCode: '523301060000044EFH',
  province: '33',
  outcomeTypes: ['VOCATIONAL' as const, 'NON_ACADEMIC' as const],
  bulkDeposit: true,
  validUntil: '2029-12-31T15:59:59.999Z',
};

export const InstitutionAccredited = defineEvent({
  type: 'creditbank.institution.accredited.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description:
    'An institution was accredited (资质审核) or re-accredited: from now on these terms replace any earlier ones. It may deposit outcomes of outcomeTypes, bulk-import them when bulkDeposit, until validUntil (after which consumers must treat it as expired).',
  data: Type.Object(
    {
      ...accreditationTerms,
      status: Type.Literal('ACTIVE'),
      previousStatus: Nullable(AccreditationStatus),
      accreditedAt: Timestamp,
      accreditedBy: Actor,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.institutionCode,
  subject: (d) => `institution/${d.institutionCode}/accreditation`,
  example: {
    ...exampleTerms,
    status: 'ACTIVE',
    previousStatus: null,
    accreditedAt: '2026-11-27T08:00:00.000Z',
    accreditedBy: 'su-admin-33',
  },
});

export const InstitutionAccreditationSuspended = defineEvent({
  type: 'creditbank.institution.accreditation-suspended.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description: 'An institution’s accreditation was suspended with a reason: it may not deposit until it is accredited again.',
  data: Type.Object(
    {
      ...accreditationTerms,
      status: Type.Literal('SUSPENDED'),
      reason: Type.String({ minLength: 1, maxLength: 500 }),
      suspendedAt: Timestamp,
      suspendedBy: Actor,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.institutionCode,
  subject: (d) => `institution/${d.institutionCode}/accreditation`,
  example: {
    ...exampleTerms,
    status: 'SUSPENDED',
    reason: '年度检查发现批量存入数据不实',
    suspendedAt: '2027-02-01T08:00:00.000Z',
    suspendedBy: 'su-admin-33',
  },
});

const certificationFacts = {
  certificationId: Type.String({ minLength: 1, maxLength: 64 }),
  institutionCode: InstitutionCode,
  province: ProvinceCode,
  catalogItemCode: CatalogCode,
  catalogItemVersion: Version,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  hours: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
};
const exampleCertification = {
  certificationId: 'cc-mhx3k2a1b2c3',
  institutionCode: '523301060000044EFH',
  province: '33',
  catalogItemCode: 'VT-LIVE-COMMERCE',
  catalogItemVersion: 1,
  title: '农产品直播带货实务',
  hours: 36,
};

export const CourseCertified = defineEvent({
  type: 'creditbank.course.certified.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description:
    'An institution’s course was certified (课程认证) against a catalogue item version after the required number of expert approvals: outcomes of this course map to that item.',
  data: Type.Object(
    {
      ...certificationFacts,
      approvals: Type.Integer({ minimum: 1 }),
      requiredApprovals: Type.Integer({ minimum: 1 }),
      averageScore: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
      certifiedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.certificationId,
  subject: (d) => `course-certification/${d.certificationId}`,
  example: { ...exampleCertification, approvals: 2, requiredApprovals: 2, averageScore: 87.5, certifiedAt: '2026-11-27T08:00:00.000Z' },
});

export const CourseCertificationRejected = defineEvent({
  type: 'creditbank.course.certification-rejected.v1',
  topic: TOPICS.standards,
  producer: 'standards',
  description: 'An expert rejected a course submitted for certification, with the reason; the institution may submit a revised course.',
  data: Type.Object(
    { ...certificationFacts, reason: Type.String({ minLength: 1, maxLength: 1000 }), rejectedAt: Timestamp },
    { additionalProperties: false },
  ),
  key: (d) => d.certificationId,
  subject: (d) => `course-certification/${d.certificationId}`,
  example: { ...exampleCertification, reason: '考核方式未覆盖实操环节，请补充实操考核方案', rejectedAt: '2026-11-28T08:00:00.000Z' },
});

export const STANDARDS_EVENTS = [
  CatalogItemPublished,
  CatalogItemRetired,
  CreditStandardPublished,
  InstitutionAccredited,
  InstitutionAccreditationSuspended,
  CourseCertified,
  CourseCertificationRejected,
] as const;
