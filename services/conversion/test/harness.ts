import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import {
  LearnerAccountFrozen,
  LearnerAccountOpened,
  OutcomeRecognized,
  OutcomeRevoked,
  TOPICS,
  createEvent,
  type EventData,
  type OutgoingEvent,
} from '@creditbank/contracts';
import { makeUscc } from '@creditbank/identity';
import { makeAccountNo } from '@creditbank/kernel';
import {
  createTestNamespace,
  eventually,
  graphql,
  publishRaw,
  serviceTestEnv,
  tapTopics,
  testInfra,
  tokens,
  type GraphQLResponse,
  type KafkaTap,
  type TestNamespace,
} from '@creditbank/testing';
import { main, type ConversionOverrides } from '../src/main';
import type { ConversionDepsAll } from '../src/graphql/context';
import { fold, sameBalances, type Balances, type LedgerEntry } from '../src/domain/ledger';
import { accountProblems } from '../src/domain/credit-account';

/** The conversion service in this process, fed with the outcome and account events it learns from. */
export interface ConversionHarness {
  ns: TestNamespace;
  url: string;
  db: Db;
  tap: KafkaTap;
  env: Record<string, string>;
  deps: ConversionDepsAll;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** Publish other services' events and wait until they were applied. */
  feed(events: OutgoingEvent[]): Promise<void>;
  /** Balances, ledger entries (all of them) and invariants of one account, read from the database. */
  checkLedger(accountNo: string): Promise<{ balances: Balances; entries: LedgerEntry[] }>;
  stop(): Promise<void>;
}

export async function startConversion(extra: Record<string, string> = {}, overrides: ConversionOverrides = {}): Promise<ConversionHarness> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'conversion', {
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_MAX_MS: '400',
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: '1000',
    SETTLE_SWEEP_MS: '500',
    ...extra,
  });
  const service = await main(env, overrides);
  const tap = await tapTopics([ns.topicPrefix + TOPICS.conversion]);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const db = mongo.db(env['MONGODB_DB']);
  const h: ConversionHarness = {
    ns,
    url: service.url,
    db,
    tap,
    env,
    deps: service.deps,
    gql: (query, variables = {}, token) => graphql(service.url, query, variables, token ? { token } : {}),
    async ok(query, variables = {}, token) {
      const r = await h.gql<never>(query, variables, token);
      if (r.errors?.length || !r.data) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
      return r.data;
    },
    async feed(events) {
      const byTopic = new Map<string, OutgoingEvent[]>();
      for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
      for (const [topic, list] of byTopic)
        await publishRaw(
          ns.topicPrefix + topic,
          list.map((e) => ({ key: e.key, value: JSON.stringify(e.event) })),
        );
      const ids = [
        ...new Set(
          events.map(
            (e) => `${ns.topicPrefix}conversion.${e.topic === TOPICS.account ? 'account-events' : 'outcome-events'}/${e.event.id}`,
          ),
        ),
      ];
      await eventually(
        async () => {
          expect(await db.collection('inbox').countDocuments({ _id: { $in: ids } } as never)).toBe(ids.length);
        },
        { timeoutMs: 30_000 },
      );
    },
    async checkLedger(accountNo) {
      const account = await service.deps.accounts.get(accountNo);
      if (!account) return { balances: fold([]), entries: [] };
      const seqs = Array.from({ length: account.seq }, (_, i) => i + 1);
      const entries = await service.deps.ledger.bySeq(accountNo, seqs);
      expect(entries.map((e) => e.seq)).toEqual(seqs);
      expect(sameBalances(fold(entries), account.balances)).toBe(true);
      expect(accountProblems(account)).toEqual([]);
      return { balances: account.balances, entries };
    },
    async stop() {
      await tap.stop();
      await service.runtime.stop();
      await mongo.close();
      await ns.cleanup();
    },
  };
  return h;
}

const meta = (province: string, producer: string) => ({ province, source: `/creditbank/${producer}` });

export const PARTNER = makeUscc('330106', 7171);
export const OTHER_PARTNER = makeUscc('330106', 8282);

let serial = Math.floor(Math.random() * 100_000_000) + 1;
export const newAccountNo = (province = '33') => makeAccountNo(province, serial++);
export const outcomeId = () => `oc-${randomUUID()}`;

export function recognized(accountNo: string, overrides: Partial<EventData<typeof OutcomeRecognized>> = {}) {
  return createEvent(
    OutcomeRecognized,
    {
      outcomeId: outcomeId(),
      accountNo,
      idHash: 'a'.repeat(64),
      province: accountNo.slice(0, 2),
      institutionCode: null,
      source: 'INSTITUTION_IMPORT',
      type: 'VOCATIONAL',
      catalogItemCode: 'VSC-ELEC-G4',
      catalogItemVersion: 1,
      title: '电工（四级）',
      hours: 300,
      score: 85,
      achievedAt: '2025-06-30',
      recognizedCredits: 3,
      points: 300,
      creditStandardVersion: 1,
      level: 2,
      track: 'VSC-ELEC',
      subtype: 'SKILL_CERTIFICATE',
      recognizedBy: 'system',
      recognizedAt: new Date().toISOString(),
      ...overrides,
    },
    meta(accountNo.slice(0, 2), 'outcome'),
  );
}

export function revoked(accountNo: string, outcome: string, points = 300) {
  return createEvent(
    OutcomeRevoked,
    {
      outcomeId: outcome,
      accountNo,
      idHash: 'a'.repeat(64),
      province: accountNo.slice(0, 2),
      previousStatus: 'RECOGNIZED',
      recognizedCredits: 3,
      points,
      reason: '发证机构更正',
      revokedBy: 'su-admin',
      revokedAt: new Date().toISOString(),
    },
    meta(accountNo.slice(0, 2), 'outcome'),
  );
}

export function opened(accountNo: string) {
  return createEvent(
    LearnerAccountOpened,
    {
      accountNo,
      province: accountNo.slice(0, 2),
      adminDivision: `${accountNo.slice(0, 2)}0106`,
      gender: 'FEMALE',
      birthYear: 1975,
      householdId: null,
      channel: 'INTAKE_POINT',
      nodeId: 'sn-1',
      idHash: 'b'.repeat(64),
      status: 'ACTIVE',
      openedAt: new Date(Date.now() - 60_000).toISOString(),
    },
    meta(accountNo.slice(0, 2), 'account'),
  );
}

export function frozen(accountNo: string) {
  return createEvent(
    LearnerAccountFrozen,
    {
      accountNo,
      province: accountNo.slice(0, 2),
      status: 'FROZEN',
      previousStatus: 'ACTIVE',
      reason: '核查',
      by: 'su-admin',
      at: new Date().toISOString(),
    },
    meta(accountNo.slice(0, 2), 'account'),
  );
}

export const DRAFT = `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id status version } }`;
export const PUBLISH = `mutation($id: ID!) { publishConversionRule(id: $id) { id status } }`;
export const SUBMIT = `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id status credits outcomeIds ruleVersion history { action by } } }`;
export const APP_FIELDS = `id status credits revokedOutcomeIds history { action status by role note }`;
export const ACCOUNT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { creditAccount { recognized reserved consumed available points { earned redeemed available } ledger(first: 100) { totalCount edges { node { seq kind recognized reserved consumed pointsEarned pointsRedeemed applicationId } } } } conversions { totalCount edges { node { id status } } } } } }`;

export function ruleInput(overrides: Record<string, unknown> = {}) {
  return {
    name: '电工证书置换电气控制技术模块',
    creditsRequired: 6,
    source: { types: ['VOCATIONAL'], minLevel: 2, withinYears: 5 },
    target: { kind: 'MODULE_EXEMPTION', institutionCode: PARTNER, courseCode: 'EE-2031', courseName: '电气控制技术', credits: 4 },
    ...overrides,
  };
}

/** Draft (expert) and publish (centre) a rule of province 33. */
export async function publishedRule(h: ConversionHarness, overrides: Record<string, unknown> = {}): Promise<string> {
  const d = await h.ok<{ draftConversionRule: { id: string } }>(DRAFT, { i: ruleInput(overrides) }, tokens.expert('33'));
  await h.ok(PUBLISH, { id: d.draftConversionRule.id }, tokens.centerAdmin('33'));
  return d.draftConversionRule.id;
}

export async function creditAccount(h: ConversionHarness, accountNo: string, token = tokens.learner(accountNo)) {
  const r = await h.ok<{
    _entities: Array<{
      creditAccount: Record<string, unknown> & {
        available: number;
        reserved: number;
        consumed: number;
        recognized: number;
        points: { earned: number; redeemed: number; available: number };
      };
      conversions: { totalCount: number };
    }>;
  }>(ACCOUNT, { r: [{ __typename: 'Learner', accountNo }] }, token);
  return r._entities[0]!;
}
