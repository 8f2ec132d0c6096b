import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import {
  ConversionApproved,
  ConversionSubmitted,
  OperatorAssigned,
  OutcomeDeposited,
  OutcomeRecognized,
  OutcomeRevoked,
  createEvent,
  type EventData,
  type OutgoingEvent,
} from '@creditbank/contracts';
import { makeUscc } from '@creditbank/identity';
import {
  catalogItemPublished,
  createTestNamespace,
  eventually,
  graphql,
  institutionRegistered,
  learnerAccountOpened,
  publishRaw,
  serviceTestEnv,
  testInfra,
  type AccountOpenedData,
  type CatalogItemData,
  type GraphQLResponse,
  type TestNamespace,
} from '@creditbank/testing';
import { main } from '../src/main';

/** The analytics service in this process, fed with events of every other service. */
export interface AnalyticsHarness {
  ns: TestNamespace;
  url: string;
  baseUrl: string;
  db: Db;
  env: Record<string, string>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Publish events (in the order given) and wait until the read-model consumer applied them all. */
  feed(events: readonly OutgoingEvent[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startAnalytics(extra: Record<string, string> = {}): Promise<AnalyticsHarness> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'analytics', { ANALYTICS_GENERATION_REFRESH_MS: '200', ...extra });
  const service = await main(env);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const db = mongo.db(env['MONGODB_DB']);
  return {
    ns,
    url: service.url,
    baseUrl: service.url.replace(/\/graphql$/, ''),
    db,
    env,
    gql: (query, variables = {}, token) => graphql(service.url, query, variables, token ? { token } : {}),
    async feed(events) {
      for (const e of events) await publishRaw(ns.topicPrefix + e.topic, [{ key: e.key, value: JSON.stringify(e.event) }]);
      const ids = [...new Set(events.map((e) => `${ns.topicPrefix}analytics.read-models/${e.event.id}`))];
      await eventually(
        async () => {
          const applied = await db.collection('inbox').countDocuments({ _id: { $in: ids } } as never);
          expect(applied).toBe(ids.length);
        },
        { timeoutMs: 30_000 },
      );
    },
    async stop() {
      await service.runtime.stop();
      await mongo.close();
      await ns.cleanup();
    },
  };
}

const meta = (province: string, producer: string) => ({ province, source: `/creditbank/${producer}` });

export const INST = makeUscc('330106', 4242);
export const uuid = (prefix: 'oc' | 'ca' | 'cr') => `${prefix}-${randomUUID()}`;

/** A first version of a national level-1 skill certificate (100 hours, 4 credits). */
export function item(code: string, over: Partial<CatalogItemData> = {}) {
  return catalogItemPublished({
    code,
    version: 1,
    supersedesVersion: null,
    title: `${code} 证书`,
    level: 1,
    track: code.split('-').slice(0, 2).join('-'),
    field: null,
    hours: 100,
    standardCredits: 4,
    evidenceRequired: [],
    publishedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  });
}

export function institution(code = INST, name = '西湖职业技能培训学校') {
  return institutionRegistered({ code, name, registeredAt: '2026-01-01T00:00:00.000Z' });
}

/** An ACTIVE account opened at node `sn-a` in a township of the account's province. */
export function opened(accountNo: string, over: Partial<AccountOpenedData> = {}) {
  const province = accountNo.slice(0, 2);
  return learnerAccountOpened({
    accountNo,
    province,
    adminDivision: `${province}0106001`,
    birthYear: 1980,
    householdId: null,
    nodeId: 'sn-a',
    idHash: 'a'.repeat(64),
    openedAt: '2026-03-01T08:00:00.000Z',
    ...over,
  });
}

export interface OutcomeSpec {
  outcomeId?: string;
  accountNo: string;
  code: string;
  type?: 'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC';
  credits: number;
  day: string;
  level?: number | null;
  track?: string | null;
  institutionCode?: string | null;
  source?: 'INSTITUTION_IMPORT' | 'INTAKE_POINT' | 'SELF_DECLARED';
  depositedBy?: string;
}

/** An outcome's deposited + recognised events. */
export function recognisedOutcome(s: OutcomeSpec): [OutgoingEvent, OutgoingEvent] {
  const province = s.accountNo.slice(0, 2);
  const outcomeId = s.outcomeId ?? uuid('oc');
  const facts = {
    outcomeId,
    accountNo: s.accountNo,
    idHash: 'b'.repeat(64),
    province,
    institutionCode: s.institutionCode === undefined ? null : s.institutionCode,
    source: s.source ?? 'INSTITUTION_IMPORT',
    type: s.type ?? 'VOCATIONAL',
    catalogItemCode: s.code,
    catalogItemVersion: 1,
    title: `${s.code} 证书`,
    hours: 100,
    score: 80,
    achievedAt: s.day,
  } as const;
  return [
    createEvent(
      OutcomeDeposited,
      { ...facts, status: 'PENDING_REVIEW', batchId: null, depositedBy: s.depositedBy ?? 'su-inst', depositedAt: `${s.day}T01:00:00.000Z` },
      meta(province, 'outcome'),
    ),
    createEvent(
      OutcomeRecognized,
      {
        ...facts,
        recognizedCredits: s.credits,
        points: s.credits * 100,
        creditStandardVersion: 1,
        level: s.level === undefined ? 1 : s.level,
        track: s.track === undefined ? s.code.split('-').slice(0, 2).join('-') : s.track,
        subtype: null,
        recognizedBy: 'system',
        recognizedAt: `${s.day}T02:00:00.000Z`,
      },
      meta(province, 'outcome'),
    ),
  ];
}

export function revoked(outcomeId: string, accountNo: string, at: string) {
  return createEvent(
    OutcomeRevoked,
    {
      outcomeId,
      accountNo,
      idHash: 'b'.repeat(64),
      province: accountNo.slice(0, 2),
      previousStatus: 'RECOGNIZED',
      recognizedCredits: 4,
      points: 400,
      reason: '发证机构更正',
      revokedBy: 'su-admin',
      revokedAt: at,
    },
    meta(accountNo.slice(0, 2), 'outcome'),
  );
}

export function operatorAssigned(userId: string, nodeId: string, at: string) {
  return createEvent(
    OperatorAssigned,
    { userId, nodeId, province: '33', assignedBy: 'su-admin', assignedAt: at },
    meta('33', 'intake-network'),
  );
}

export function conversion(accountNo: string, nodeId: string, submittedAt: string, approvedAt: string, credits: number): OutgoingEvent[] {
  const applicationId = uuid('ca');
  const ruleId = uuid('cr');
  const base = { applicationId, accountNo, province: '33', ruleId, ruleVersion: 1 };
  const target = {
    kind: 'MODULE_EXEMPTION' as const,
    institutionCode: null,
    courseCode: 'EE-1',
    courseName: '电气',
    levelCategory: null,
    credits: 2,
  };
  return [
    createEvent(
      ConversionSubmitted,
      {
        // Start from the contract's own example: the conversion contract still gains fields.
        ...(ConversionSubmitted.example as EventData<typeof ConversionSubmitted>),
        ...base,
        outcomeIds: [uuid('oc')],
        creditsReserved: credits,
        targetKind: 'MODULE_EXEMPTION',
        targetInstitutionCode: null,
        nodeId,
        submittedBy: accountNo,
        submittedAt,
      } as EventData<typeof ConversionSubmitted>,
      meta('33', 'conversion'),
    ),
    createEvent(
      ConversionApproved,
      {
        ...(ConversionApproved.example as EventData<typeof ConversionApproved>),
        ...base,
        outcomeIds: [uuid('oc')],
        creditsConsumed: credits,
        target,
        decidedBy: 'su-partner',
        decidedAt: approvedAt,
      } as EventData<typeof ConversionApproved>,
      meta('33', 'conversion'),
    ),
  ];
}

/** The same fact under a new event id (a producer retry after a lost acknowledgement). */
export function reissued(e: OutgoingEvent): OutgoingEvent {
  return { ...e, event: { ...e.event, id: randomUUID() } };
}
