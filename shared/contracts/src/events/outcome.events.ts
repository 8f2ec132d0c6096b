import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { AccountNo, IdHash, Nullable, ProvinceCode, Timestamp } from './common';

/**
 * Outcome events (`creditbank.outcome.v1`). Key: the learner's accountNo, or the keyed ID hash while
 * an outcome is unclaimed, so everything about one person stays in order. No names, ID numbers or
 * phone numbers: learners appear as accountNo / idHash.
 */
const OutcomeId = Type.String({ pattern: '^oc-[0-9a-f-]{36}$', description: 'Learning outcome id' });
const CatalogCode = Type.String({ pattern: '^(?=.{3,40}$)(?:[A-Z][A-Z0-9]*|[1-9][0-9]-[A-Z0-9]+)(?:-[A-Z0-9]+)*$' });
const InstitutionCode = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' });
const OutcomeType = Type.Union([Type.Literal('ACADEMIC'), Type.Literal('VOCATIONAL'), Type.Literal('NON_ACADEMIC')]);
const Source = Type.Union([Type.Literal('INSTITUTION_IMPORT'), Type.Literal('INTAKE_POINT'), Type.Literal('SELF_DECLARED')]);
const Status = Type.Union([
  Type.Literal('UNCLAIMED'),
  Type.Literal('PENDING_REVIEW'),
  Type.Literal('RECOGNIZED'),
  Type.Literal('REJECTED'),
  Type.Literal('REVOKED'),
]);
const Actor = Type.String({ minLength: 1, maxLength: 64, description: 'Staff user id, learner accountNo, or "system"' });
const Credits = Type.Number({ minimum: 0, maximum: 1000 });
const Reason = Type.String({ minLength: 1, maxLength: 500 });

const outcomeFacts = {
  outcomeId: OutcomeId,
  accountNo: Nullable(AccountNo),
  idHash: IdHash,
  province: ProvinceCode,
  institutionCode: Nullable(InstitutionCode),
  source: Source,
  type: OutcomeType,
  catalogItemCode: CatalogCode,
  catalogItemVersion: Nullable(Type.Integer({ minimum: 1 })),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  hours: Nullable(Type.Number({ minimum: 0, maximum: 10000 })),
  score: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
  achievedAt: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
};
const example = {
  outcomeId: 'oc-3f2b8c1e-7d4a-4b5e-9c6f-1a2b3c4d5e6f',
  accountNo: '330000000177',
  idHash: '9f2c4a1e0b7d3c5a6e8f1b2d4c6a8e0f2b4d6c8a0e2f4b6d8c0a2e4f6b8d0c2a',
  province: '33',
  institutionCode: '523301060000044EFH',
  source: 'INSTITUTION_IMPORT' as const,
  type: 'VOCATIONAL' as const,
  catalogItemCode: 'VSC-ELEC-G4',
  catalogItemVersion: 2,
  title: '电工（四级）职业技能等级证书',
  hours: 300,
  score: 86,
  achievedAt: '2026-06-30',
};
const keyOf = (d: { accountNo: string | null; idHash: string }) => d.accountNo ?? d.idHash;

export const OutcomeDeposited = defineEvent({
  type: 'creditbank.outcome.deposited.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description:
    'A learning outcome was deposited (存入): by an institution’s bulk import, at an intake point, or self-declared by the learner. status says where it stands: UNCLAIMED (no account yet), PENDING_REVIEW or RECOGNIZED (then outcome.recognized follows).',
  data: Type.Object(
    {
      ...outcomeFacts,
      status: Status,
      batchId: Nullable(Type.String({ maxLength: 64 })),
      depositedBy: Actor,
      depositedAt: Timestamp,
      nodeId: Type.Optional(
        Nullable(
          Type.String({
            maxLength: 64,
            description: 'The intake point (service node id) where an operator deposited it; null or absent otherwise',
          }),
        ),
      ),
    },
    { additionalProperties: false },
  ),
  key: keyOf,
  subject: (d) => `outcome/${d.outcomeId}`,
  example: {
    ...example,
    status: 'RECOGNIZED',
    batchId: 'ib-2026-11-zj-0001',
    depositedBy: 'su-inst-admin',
    depositedAt: '2026-11-27T08:00:00.000Z',
  },
});

export const OutcomeRecognized = defineEvent({
  type: 'creditbank.outcome.recognized.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description:
    'An outcome was recognised (认定) under the credit standard in force: the credits and points it earns, and the standard and catalogue item versions it was recognised under. The credit ledger and the read models build on it.',
  data: Type.Object(
    {
      ...outcomeFacts,
      accountNo: AccountNo,
      recognizedCredits: Credits,
      points: Type.Integer({ minimum: 0 }),
      creditStandardVersion: Type.Integer({ minimum: 1 }),
      level: Nullable(Type.Integer({ minimum: 1, maximum: 20 })),
      track: Nullable(Type.String({ maxLength: 40 })),
      subtype: Nullable(Type.String({ maxLength: 40 })),
      recognizedBy: Actor,
      recognizedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `outcome/${d.outcomeId}`,
  example: {
    ...example,
    recognizedCredits: 6,
    points: 600,
    creditStandardVersion: 2,
    level: 2,
    track: 'VSC-ELEC',
    subtype: 'SKILL_CERTIFICATE',
    recognizedBy: 'system',
    recognizedAt: '2026-11-27T08:00:01.000Z',
  },
});

export const OutcomeRejected = defineEvent({
  type: 'creditbank.outcome.rejected.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description: 'A reviewer rejected an outcome that was waiting for review, with a reason.',
  data: Type.Object(
    {
      outcomeId: OutcomeId,
      accountNo: Nullable(AccountNo),
      idHash: IdHash,
      province: ProvinceCode,
      reason: Reason,
      rejectedBy: Actor,
      rejectedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: keyOf,
  subject: (d) => `outcome/${d.outcomeId}`,
  example: {
    outcomeId: example.outcomeId,
    accountNo: example.accountNo,
    idHash: example.idHash,
    province: '33',
    reason: '证明材料不清晰',
    rejectedBy: 'su-expert-1',
    rejectedAt: '2026-11-28T08:00:00.000Z',
  },
});

export const OutcomeRevoked = defineEvent({
  type: 'creditbank.outcome.revoked.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description:
    'An outcome was revoked (fraud, issuer error). If it was recognised, its credits and points no longer count: the ledger reverses them, pending conversions using it are rejected, approved ones need review, and certificates listing it report revoked.',
  data: Type.Object(
    {
      outcomeId: OutcomeId,
      accountNo: Nullable(AccountNo),
      idHash: IdHash,
      province: ProvinceCode,
      previousStatus: Status,
      recognizedCredits: Nullable(Credits),
      points: Nullable(Type.Integer({ minimum: 0 })),
      reason: Reason,
      revokedBy: Actor,
      revokedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: keyOf,
  subject: (d) => `outcome/${d.outcomeId}`,
  example: {
    outcomeId: example.outcomeId,
    accountNo: example.accountNo,
    idHash: example.idHash,
    province: '33',
    previousStatus: 'RECOGNIZED',
    recognizedCredits: 6,
    points: 600,
    reason: '发证机构更正：证书编号录入错误',
    revokedBy: 'su-admin-33',
    revokedAt: '2026-12-01T08:00:00.000Z',
  },
});

export const OutcomeClaimed = defineEvent({
  type: 'creditbank.outcome.claimed.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description:
    'An outcome deposited before its learner had an account was attached to the account when it became active (key: the accountNo from now on).',
  data: Type.Object(
    { outcomeId: OutcomeId, accountNo: AccountNo, idHash: IdHash, province: ProvinceCode, status: Status, claimedAt: Timestamp },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `outcome/${d.outcomeId}`,
  example: {
    outcomeId: example.outcomeId,
    accountNo: example.accountNo,
    idHash: example.idHash,
    province: '33',
    status: 'RECOGNIZED',
    claimedAt: '2026-11-29T08:00:00.000Z',
  },
});

export const ImportBatchCompleted = defineEvent({
  type: 'creditbank.import-batch.completed.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description: 'An institution’s bulk import call finished: how many rows were accepted, duplicates of earlier rows, or rejected.',
  data: Type.Object(
    {
      batchId: Type.String({ minLength: 1, maxLength: 64 }),
      batchRef: Type.String({ minLength: 1, maxLength: 100 }),
      institutionCode: InstitutionCode,
      province: ProvinceCode,
      rows: Type.Integer({ minimum: 0, maximum: 5000 }),
      accepted: Type.Integer({ minimum: 0 }),
      duplicates: Type.Integer({ minimum: 0 }),
      rejected: Type.Integer({ minimum: 0 }),
      completedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.institutionCode,
  subject: (d) => `import-batch/${d.batchId}`,
  example: {
    batchId: 'ib-7c1f',
    batchRef: 'zj-elec-2026-06',
    institutionCode: example.institutionCode!,
    province: '33',
    rows: 5000,
    accepted: 4990,
    duplicates: 6,
    rejected: 4,
    completedAt: '2026-11-27T08:01:00.000Z',
  },
});

export const CertificateIssued = defineEvent({
  type: 'creditbank.certificate.issued.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description: 'A verifiable outcome certificate (学习成果证明) was issued for a learner, listing outcomes.',
  data: Type.Object(
    {
      certificateId: Type.String({ minLength: 1, maxLength: 64 }),
      accountNo: AccountNo,
      province: ProvinceCode,
      outcomeIds: Type.Array(OutcomeId, { minItems: 1, maxItems: 200 }),
      issuedBy: Actor,
      issuedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `certificate/${d.certificateId}`,
  example: {
    certificateId: 'ct-5b7e',
    accountNo: example.accountNo,
    province: '33',
    outcomeIds: [example.outcomeId],
    issuedBy: example.accountNo,
    issuedAt: '2026-11-30T08:00:00.000Z',
  },
});

export const CertificateRevoked = defineEvent({
  type: 'creditbank.certificate.revoked.v1',
  topic: TOPICS.outcome,
  producer: 'outcome',
  description: 'A certificate was revoked with a reason; verification reports it revoked from now on.',
  data: Type.Object(
    {
      certificateId: Type.String({ minLength: 1, maxLength: 64 }),
      accountNo: AccountNo,
      province: ProvinceCode,
      reason: Reason,
      revokedBy: Actor,
      revokedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `certificate/${d.certificateId}`,
  example: {
    certificateId: 'ct-5b7e',
    accountNo: example.accountNo,
    province: '33',
    reason: '学习者申请作废',
    revokedBy: example.accountNo,
    revokedAt: '2026-12-02T08:00:00.000Z',
  },
});

export const OUTCOME_EVENTS = [
  OutcomeDeposited,
  OutcomeRecognized,
  OutcomeRejected,
  OutcomeRevoked,
  OutcomeClaimed,
  ImportBatchCompleted,
  CertificateIssued,
  CertificateRevoked,
] as const;
