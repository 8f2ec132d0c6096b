import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { AccountNo, DivisionCode, EntityId, IdHash, Nullable, ProvinceCode, Timestamp } from './common';

/** Learner facts other services may know. Never the ID number, name or phone (DESIGN.md §5). */
const learnerFacts = {
  accountNo: AccountNo,
  province: ProvinceCode,
  adminDivision: DivisionCode,
  gender: Type.Union([Type.Literal('MALE'), Type.Literal('FEMALE')]),
  birthYear: Type.Integer({ minimum: 1900, maximum: 2100 }),
  householdId: Nullable(Type.String({ maxLength: 64 })),
  channel: Type.Union([Type.Literal('ONLINE'), Type.Literal('INTAKE_POINT')]),
  nodeId: Nullable(EntityId),
  idHash: IdHash,
};

export const LearnerAccountOpened = defineEvent({
  type: 'creditbank.learner.account-opened.v1',
  topic: TOPICS.account,
  producer: 'account',
  description: 'A lifelong learning account was opened (online after verification, or at an intake point).',
  data: Type.Object(
    {
      ...learnerFacts,
      status: Type.Union([Type.Literal('PENDING_VERIFICATION'), Type.Literal('ACTIVE')]),
      openedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.accountNo,
  subject: (d) => `learner/${d.accountNo}`,
  example: {
    accountNo: '330000000177',
    province: '33',
    adminDivision: '330106',
    gender: 'FEMALE',
    birthYear: 1978,
    householdId: 'hh-330106-0001',
    channel: 'INTAKE_POINT',
    nodeId: 'node-330106001',
    idHash: '9f2c4a1e0b7d3c5a6e8f1b2d4c6a8e0f2b4d6c8a0e2f4b6d8c0a2e4f6b8d0c2a',
    status: 'ACTIVE',
    openedAt: '2026-11-27T08:00:00.000Z',
  },
});

export const ACCOUNT_EVENTS = [LearnerAccountOpened] as const;
