import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { AccountNo, DivisionCode, EntityId, IdHash, Nullable, ProvinceCode, Timestamp } from './common';

/**
 * Account events (`creditbank.account.v1`). Learner events carry only what other services may know:
 * never the ID number, name or phone (DESIGN.md §5). The keyed ID hash lets the outcome service link
 * deposits made before the account existed.
 */
const Gender = Type.Union([Type.Literal('MALE'), Type.Literal('FEMALE')]);
const Channel = Type.Union([Type.Literal('ONLINE'), Type.Literal('INTAKE_POINT')]);
const AccountStatus = Type.Union([
  Type.Literal('PENDING_VERIFICATION'),
  Type.Literal('ACTIVE'),
  Type.Literal('FROZEN'),
  Type.Literal('CLOSED'),
]);
const Actor = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Who made the change: a staff user id, a learner accountNo, or "system"',
});
const Reason = Type.String({ minLength: 1, maxLength: 500 });

const learnerFacts = {
  accountNo: AccountNo,
  province: ProvinceCode,
  adminDivision: DivisionCode,
  gender: Gender,
  birthYear: Type.Integer({ minimum: 1900, maximum: 2100 }),
  householdId: Nullable(Type.String({ maxLength: 64 })),
  channel: Channel,
  nodeId: Nullable(EntityId),
  idHash: IdHash,
};

const exampleFacts = {
  accountNo: '330000000177',
  province: '33',
  adminDivision: '330106',
  gender: 'FEMALE' as const,
  birthYear: 1978,
  householdId: 'hh-330106-0001',
  channel: 'INTAKE_POINT' as const,
  nodeId: 'sn-330106013',
  idHash: '9f2c4a1e0b7d3c5a6e8f1b2d4c6a8e0f2b4d6c8a0e2f4b6d8c0a2e4f6b8d0c2a',
};

export const LearnerAccountOpened = defineEvent({
  type: 'creditbank.learner.account-opened.v1',
  topic: TOPICS.account,
  producer: 'account',
  description:
    'A lifelong learning account was opened: at an intake point (ACTIVE at once) or online (ACTIVE when the real-name check matched, else PENDING_VERIFICATION until it is decided). Link outcomes by idHash only once the account is ACTIVE.',
  data: Type.Object(
    {
      ...learnerFacts,
      status: Type.Union([Type.Literal('PENDING_VERIFICATION'), Type.Literal('ACTIVE')]),
      openedAt: Timestamp,
      nameMasked: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 20,
          description: 'The name masked for display on certificates (王*英): first and last character only, never the name',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `learner/${d.accountNo}`,
  example: { ...exampleFacts, status: 'ACTIVE', openedAt: '2026-11-27T08:00:00.000Z', nameMasked: '王*英' },
});

export const LearnerIdentityVerified = defineEvent({
  type: 'creditbank.learner.identity-verified.v1',
  topic: TOPICS.account,
  producer: 'account',
  description: 'A pending online account passed the real-name check and is now ACTIVE.',
  data: Type.Object({ ...learnerFacts, verifiedAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.accountNo,
  subject: (d) => `learner/${d.accountNo}`,
  example: { ...exampleFacts, channel: 'ONLINE', nodeId: null, verifiedAt: '2026-11-27T08:05:00.000Z' },
});

export const LearnerProfileUpdated = defineEvent({
  type: 'creditbank.learner.profile-updated.v1',
  topic: TOPICS.account,
  producer: 'account',
  description:
    'Profile facts other services use changed (division, household, education level, occupation). Phone changes are not published.',
  data: Type.Object(
    {
      accountNo: AccountNo,
      province: ProvinceCode,
      adminDivision: DivisionCode,
      householdId: Nullable(Type.String({ maxLength: 64 })),
      educationLevel: Nullable(Type.String({ maxLength: 50 })),
      occupation: Nullable(Type.String({ maxLength: 50 })),
      changed: Type.Array(
        Type.Union([
          Type.Literal('adminDivision'),
          Type.Literal('householdId'),
          Type.Literal('educationLevel'),
          Type.Literal('occupation'),
          Type.Literal('phone'),
        ]),
        { maxItems: 5 },
      ),
      updatedBy: Actor,
      updatedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `learner/${d.accountNo}`,
  example: {
    accountNo: '330000000177',
    province: '33',
    adminDivision: '330106013',
    householdId: 'hh-330106-0001',
    educationLevel: '高中',
    occupation: '茶农',
    changed: ['adminDivision', 'occupation'],
    updatedBy: '330000000177',
    updatedAt: '2026-11-27T09:00:00.000Z',
  },
});

const statusChange = (type: string, description: string, status: 'FROZEN' | 'ACTIVE' | 'CLOSED') =>
  defineEvent({
    type,
    topic: TOPICS.account,
    producer: 'account',
    description,
    data: Type.Object(
      {
        accountNo: AccountNo,
        province: ProvinceCode,
        status: Type.Literal(status),
        previousStatus: AccountStatus,
        reason: Reason,
        by: Actor,
        at: Timestamp,
      },
      { additionalProperties: false },
    ),
    key: (d) => d.accountNo,
    subject: (d) => `learner/${d.accountNo}`,
    example: {
      accountNo: '330000000177',
      province: '33',
      status,
      previousStatus: status === 'ACTIVE' ? 'FROZEN' : 'ACTIVE',
      reason: '本人申请',
      by: 'staff-33-admin',
      at: '2026-11-27T10:00:00.000Z',
    },
  });

export const LearnerAccountFrozen = statusChange(
  'creditbank.learner.account-frozen.v1',
  'An account was frozen (no deposits, conversions or redemptions until unfrozen).',
  'FROZEN',
);
export const LearnerAccountUnfrozen = statusChange('creditbank.learner.account-unfrozen.v1', 'A frozen account is active again.', 'ACTIVE');
export const LearnerAccountClosed = statusChange(
  'creditbank.learner.account-closed.v1',
  'An account was closed for good (its number is never reused). Reason IDENTITY_MISMATCH: a pending online account failed the real-name check.',
  'CLOSED',
);

const InstitutionCategory = Type.Union([
  Type.Literal('ACADEMIC'),
  Type.Literal('VOCATIONAL_CERT_ISSUER'),
  Type.Literal('VOCATIONAL_TRAINING'),
  Type.Literal('NON_ACADEMIC'),
  Type.Literal('UNIVERSITY'),
]);
const institutionFacts = {
  code: Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: 'Unified social credit code (GB 32100)' }),
  name: Type.String({ minLength: 2, maxLength: 100 }),
  category: InstitutionCategory,
  province: ProvinceCode,
  adminDivision: DivisionCode,
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('SUSPENDED'), Type.Literal('DEREGISTERED')]),
};
const exampleInstitution = {
  code: '523301060000044EFH',
  name: '杭州市西湖区职业技能培训学校',
  category: 'VOCATIONAL_TRAINING' as const,
  province: '33',
  adminDivision: '330106',
  status: 'ACTIVE' as const,
};

export const InstitutionRegistered = defineEvent({
  type: 'creditbank.institution.registered.v1',
  topic: TOPICS.account,
  producer: 'account',
  description: 'A school, training centre, certificate issuer or partner university was registered.',
  data: Type.Object({ ...institutionFacts, registeredAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.code,
  subject: (d) => `institution/${d.code}`,
  example: { ...exampleInstitution, registeredAt: '2026-11-01T08:00:00.000Z' },
});

export const InstitutionUpdated = defineEvent({
  type: 'creditbank.institution.updated.v1',
  topic: TOPICS.account,
  producer: 'account',
  description: 'An institution’s name, division or status changed (the full current facts are carried).',
  data: Type.Object({ ...institutionFacts, updatedAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.code,
  subject: (d) => `institution/${d.code}`,
  example: { ...exampleInstitution, status: 'SUSPENDED', updatedAt: '2026-11-20T08:00:00.000Z' },
});

export const StaffUserCreated = defineEvent({
  type: 'creditbank.staff.user-created.v1',
  topic: TOPICS.account,
  producer: 'account',
  description:
    'A staff user was created. For an INTAKE_OPERATOR, requestedNodeId names the node they are meant to serve; the intake network assigns them (operator.assigned) and that binding goes into their token.',
  data: Type.Object(
    {
      userId: EntityId,
      role: Type.Union([
        Type.Literal('INTAKE_OPERATOR'),
        Type.Literal('INSTITUTION_ADMIN'),
        Type.Literal('EXPERT'),
        Type.Literal('UNIVERSITY_PARTNER'),
        Type.Literal('CENTER_ADMIN'),
        Type.Literal('ANALYST'),
        Type.Literal('PLATFORM_ADMIN'),
      ]),
      province: ProvinceCode,
      requestedNodeId: Nullable(EntityId),
      institutionCode: Nullable(Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' })),
      createdAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.userId,
  subject: (d) => `staff/${d.userId}`,
  example: {
    userId: 'su-2f1c9a',
    role: 'INTAKE_OPERATOR',
    province: '33',
    requestedNodeId: 'sn-330106013',
    institutionCode: null,
    createdAt: '2026-11-27T07:00:00.000Z',
  },
});

export const ACCOUNT_EVENTS = [
  LearnerAccountOpened,
  LearnerIdentityVerified,
  LearnerProfileUpdated,
  LearnerAccountFrozen,
  LearnerAccountUnfrozen,
  LearnerAccountClosed,
  InstitutionRegistered,
  InstitutionUpdated,
  StaffUserCreated,
] as const;
