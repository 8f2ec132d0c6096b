import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { AccountNo, EntityId, Nullable, ProvinceCode, Timestamp } from './common';

/**
 * Conversion events (`creditbank.conversion.v1`). Key: the learner's accountNo for everything about a
 * learner (applications, points, rewards), the rule id for rule events. No names, ID numbers, phone
 * numbers or free-text notes: reviewers' notes stay in the service.
 */
const RuleId = Type.String({ pattern: '^cr-[0-9a-f-]{36}$', description: 'Conversion rule id' });
const ApplicationId = Type.String({ pattern: '^ca-[0-9a-f-]{36}$', description: 'Conversion application id' });
const OutcomeId = Type.String({ pattern: '^oc-[0-9a-f-]{36}$', description: 'Learning outcome id' });
const CatalogCode = Type.String({ pattern: '^(?=.{3,40}$)(?:[A-Z][A-Z0-9]*|[1-9][0-9]-[A-Z0-9]+)(?:-[A-Z0-9]+)*$' });
const InstitutionCode = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' });
const OutcomeType = Type.Union([Type.Literal('ACADEMIC'), Type.Literal('VOCATIONAL'), Type.Literal('NON_ACADEMIC')]);
const TargetKind = Type.Union([
  Type.Literal('COURSE_CREDIT'),
  Type.Literal('CERTIFICATE'),
  Type.Literal('MODULE_EXEMPTION'),
  Type.Literal('HONORARY_DEGREE'),
]);
const RewardKind = Type.Union([
  Type.Literal('STUDENT_CARD_TOPUP'),
  Type.Literal('TRANSIT_POINTS'),
  Type.Literal('ADMISSION_TICKET'),
  Type.Literal('CREDIT_SCORE'),
  Type.Literal('COURSE_FEE_WAIVER'),
]);
const Actor = Type.String({ minLength: 1, maxLength: 64, description: 'Staff user id, learner accountNo, or "system"' });
const Credits = Type.Number({ minimum: 0, maximum: 10000 });

const ruleSource = Type.Object(
  {
    catalogItemCodes: Type.Array(CatalogCode, { maxItems: 200 }),
    types: Type.Array(OutcomeType, { maxItems: 3 }),
    minLevel: Nullable(Type.Integer({ minimum: 1, maximum: 20 })),
    minScore: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
    withinYears: Nullable(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
const ruleTarget = Type.Object(
  {
    kind: TargetKind,
    institutionCode: Nullable(InstitutionCode),
    courseCode: Nullable(Type.String({ maxLength: 64 })),
    courseName: Nullable(Type.String({ maxLength: 200 })),
    levelCategory: Nullable(Type.String({ maxLength: 64 })),
    credits: Nullable(Credits),
  },
  { additionalProperties: false },
);
const applicationFacts = {
  applicationId: ApplicationId,
  accountNo: AccountNo,
  province: ProvinceCode,
  ruleId: RuleId,
  ruleVersion: Type.Integer({ minimum: 1 }),
};

const ruleExample = {
  ruleId: 'cr-7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
  version: 1,
  province: '33',
  title: '电工（四级）证书置换电气控制技术模块',
  creditsRequired: 6,
  source: { catalogItemCodes: ['VSC-ELEC-G4'], types: ['VOCATIONAL' as const], minLevel: 2, minScore: null, withinYears: 5 },
  target: {
    kind: 'MODULE_EXEMPTION' as const,
    institutionCode: '12330000470001234X',
    courseCode: 'EE-2031',
    courseName: '电气控制技术',
    levelCategory: '高职专科',
    credits: 4,
  },
};
const applicationExample = {
  applicationId: 'ca-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  accountNo: '330000000177',
  province: '33',
  ruleId: ruleExample.ruleId,
  ruleVersion: 1,
};

export const ConversionRulePublished = defineEvent({
  type: 'creditbank.conversion-rule.published.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'A conversion rule (转换规则) was published: which outcomes (source criteria) convert into what (a course credit, certificate, module exemption or honorary degree) at which institution. A published version never changes; a new version supersedes it.',
  data: Type.Object(
    {
      ruleId: RuleId,
      version: Type.Integer({
        minimum: 1,
        description: 'Version within the rule’s lineage (a successor drafted to replace a rule has the next version)',
      }),
      province: ProvinceCode,
      title: Type.String({ minLength: 1, maxLength: 200, description: 'The rule’s published title (not personal data)' }),
      supersedesRuleId: Nullable(RuleId),
      creditsRequired: Credits,
      source: ruleSource,
      target: ruleTarget,
      effectiveFrom: Nullable(Timestamp),
      effectiveTo: Nullable(Timestamp),
      publishedBy: Actor,
      publishedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.ruleId,
  subject: (d) => `conversion-rule/${d.ruleId}`,
  example: {
    ...ruleExample,
    supersedesRuleId: null,
    effectiveFrom: '2026-12-01T00:00:00.000Z',
    effectiveTo: null,
    publishedBy: 'su-center-admin',
    publishedAt: '2026-11-27T08:00:00.000Z',
  },
});

export const ConversionRuleRetired = defineEvent({
  type: 'creditbank.conversion-rule.retired.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description: 'A published conversion rule was retired: no new applications; applications already made keep the version they used.',
  data: Type.Object(
    { ruleId: RuleId, version: Type.Integer({ minimum: 1 }), province: ProvinceCode, retiredBy: Actor, retiredAt: Timestamp },
    { additionalProperties: false },
  ),
  key: (d) => d.ruleId,
  subject: (d) => `conversion-rule/${d.ruleId}`,
  example: { ruleId: ruleExample.ruleId, version: 1, province: '33', retiredBy: 'su-center-admin', retiredAt: '2027-06-30T00:00:00.000Z' },
});

export const ConversionSubmitted = defineEvent({
  type: 'creditbank.conversion.submitted.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'A learner (or an intake operator for them) applied to convert recognised outcomes under a rule (转换申请). The outcomes’ credits are reserved until the application is decided or cancelled.',
  data: Type.Object(
    {
      ...applicationFacts,
      outcomeIds: Type.Array(OutcomeId, { minItems: 1, maxItems: 200 }),
      creditsReserved: Credits,
      targetKind: TargetKind,
      targetInstitutionCode: Nullable(InstitutionCode),
      nodeId: Nullable(EntityId),
      submittedBy: Actor,
      submittedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `conversion/${d.applicationId}`,
  example: {
    ...applicationExample,
    outcomeIds: ['oc-3f2b8c1e-7d4a-4b5e-9c6f-1a2b3c4d5e6f'],
    creditsReserved: 6,
    targetKind: 'MODULE_EXEMPTION',
    targetInstitutionCode: '12330000470001234X',
    nodeId: 'sn-330106001-01',
    submittedBy: '330000000177',
    submittedAt: '2026-11-28T09:00:00.000Z',
  },
});

export const ConversionPreliminarilyApproved = defineEvent({
  type: 'creditbank.conversion.preliminarily-approved.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'An intake operator of the learner’s area passed the application in preliminary review (初审); it now waits for the final decision.',
  data: Type.Object({ ...applicationFacts, reviewedBy: Actor, reviewedAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.accountNo,
  subject: (d) => `conversion/${d.applicationId}`,
  example: { ...applicationExample, reviewedBy: 'su-operator', reviewedAt: '2026-11-29T09:00:00.000Z' },
});

export const ConversionApproved = defineEvent({
  type: 'creditbank.conversion.approved.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'The application was approved by the centre or the partner university: the reserved credits are consumed, exactly once, and the target (course credit, certificate, exemption, honorary degree) is granted.',
  data: Type.Object(
    {
      ...applicationFacts,
      outcomeIds: Type.Array(OutcomeId, { minItems: 1, maxItems: 200 }),
      creditsConsumed: Credits,
      target: ruleTarget,
      afterReview: Type.Boolean({
        description:
          'true when an approved conversion that needed review (an outcome it used was revoked) was upheld; creditsConsumed is then what stays consumed',
      }),
      decidedBy: Actor,
      decidedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `conversion/${d.applicationId}`,
  example: {
    ...applicationExample,
    outcomeIds: ['oc-3f2b8c1e-7d4a-4b5e-9c6f-1a2b3c4d5e6f'],
    creditsConsumed: 6,
    target: ruleExample.target,
    afterReview: false,
    decidedBy: 'su-university-partner',
    decidedAt: '2026-12-02T09:00:00.000Z',
  },
});

export const ConversionRejected = defineEvent({
  type: 'creditbank.conversion.rejected.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'The application was rejected: by a reviewer (PRELIMINARY or FINAL), automatically because an outcome it uses was revoked (AUTOMATIC), or annulled after review of an approved conversion whose outcome was revoked (REVIEW: the consumed credits of its other outcomes return to available). creditsReleased is what became available again.',
  data: Type.Object(
    {
      ...applicationFacts,
      stage: Type.Union([Type.Literal('PRELIMINARY'), Type.Literal('FINAL'), Type.Literal('AUTOMATIC'), Type.Literal('REVIEW')]),
      reasonCode: Type.Union([Type.Literal('REVIEWER'), Type.Literal('OUTCOME_REVOKED')]),
      revokedOutcomeId: Nullable(OutcomeId),
      creditsReleased: Credits,
      rejectedBy: Actor,
      rejectedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `conversion/${d.applicationId}`,
  example: {
    ...applicationExample,
    stage: 'FINAL',
    reasonCode: 'REVIEWER',
    revokedOutcomeId: null,
    creditsReleased: 6,
    rejectedBy: 'su-university-partner',
    rejectedAt: '2026-12-02T09:00:00.000Z',
  },
});

export const ConversionCancelled = defineEvent({
  type: 'creditbank.conversion.cancelled.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description: 'The learner (or the operator for them) withdrew an application before it was decided; the reserved credits are released.',
  data: Type.Object(
    { ...applicationFacts, creditsReleased: Credits, cancelledBy: Actor, cancelledAt: Timestamp },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `conversion/${d.applicationId}`,
  example: { ...applicationExample, creditsReleased: 6, cancelledBy: '330000000177', cancelledAt: '2026-11-28T10:00:00.000Z' },
});

export const ConversionNeedsReview = defineEvent({
  type: 'creditbank.conversion.needs-review.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'An approved conversion used an outcome that has since been revoked: it needs review by the centre and the partner university (who is notified); the consumed credits stay consumed until then.',
  data: Type.Object(
    {
      ...applicationFacts,
      revokedOutcomeId: OutcomeId,
      targetInstitutionCode: Nullable(InstitutionCode),
      flaggedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `conversion/${d.applicationId}`,
  example: {
    ...applicationExample,
    revokedOutcomeId: 'oc-3f2b8c1e-7d4a-4b5e-9c6f-1a2b3c4d5e6f',
    targetInstitutionCode: '12330000470001234X',
    flaggedAt: '2027-01-10T09:00:00.000Z',
  },
});

export const PointsAwarded = defineEvent({
  type: 'creditbank.points.awarded.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'Learning points (积分) were credited for a recognised outcome under the province’s credit standard, or taken back (negative points, reason REVOCATION) when that outcome was revoked.',
  data: Type.Object(
    {
      accountNo: AccountNo,
      province: ProvinceCode,
      outcomeId: OutcomeId,
      points: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }),
      reason: Type.Union([Type.Literal('RECOGNITION'), Type.Literal('REVOCATION')]),
      pointsNotRecovered: Type.Integer({
        minimum: 0,
        description:
          'REVOCATION only: points of the outcome already spent on rewards, which are not taken back (points never go below zero)',
      }),
      creditStandardVersion: Nullable(Type.Integer({ minimum: 1 })),
      awardedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `points/${d.accountNo}/${d.outcomeId}`,
  example: {
    accountNo: '330000000177',
    province: '33',
    outcomeId: 'oc-3f2b8c1e-7d4a-4b5e-9c6f-1a2b3c4d5e6f',
    points: 600,
    reason: 'RECOGNITION',
    pointsNotRecovered: 0,
    creditStandardVersion: 2,
    awardedAt: '2026-11-27T08:00:02.000Z',
  },
});

export const RewardRedeemed = defineEvent({
  type: 'creditbank.reward.redeemed.v1',
  topic: TOPICS.conversion,
  producer: 'conversion',
  description:
    'A learner redeemed points for a reward from the provincial catalogue (兑换): student-card top-up, transit points, tickets, credit score, fee waivers.',
  data: Type.Object(
    {
      redemptionId: Type.String({ pattern: '^rd-[0-9a-f-]{36}$' }),
      accountNo: AccountNo,
      province: ProvinceCode,
      itemCode: Type.String({ minLength: 1, maxLength: 64 }),
      kind: RewardKind,
      quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
      pointsSpent: Type.Integer({ minimum: 0 }),
      redeemedBy: Actor,
      redeemedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `redemption/${d.redemptionId}`,
  example: {
    redemptionId: 'rd-0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
    accountNo: '330000000177',
    province: '33',
    itemCode: 'ZJ-TRANSIT-100',
    kind: 'TRANSIT_POINTS',
    quantity: 1,
    pointsSpent: 500,
    redeemedBy: '330000000177',
    redeemedAt: '2026-12-05T09:00:00.000Z',
  },
});

export const CONVERSION_EVENTS = [
  ConversionRulePublished,
  ConversionRuleRetired,
  ConversionSubmitted,
  ConversionPreliminarilyApproved,
  ConversionApproved,
  ConversionRejected,
  ConversionCancelled,
  ConversionNeedsReview,
  PointsAwarded,
  RewardRedeemed,
] as const;
