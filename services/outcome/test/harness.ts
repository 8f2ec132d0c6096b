import { MongoClient, type Db } from 'mongodb';
import {
  CatalogItemPublished,
  CreditStandardPublished,
  InstitutionAccredited,
  InstitutionRegistered,
  LearnerAccountOpened,
  TOPICS,
  createEvent,
  type EventData,
  type OutgoingEvent,
} from '@creditbank/contracts';
import { idHash, makeUscc } from '@creditbank/identity';
import { makeAccountNo } from '@creditbank/kernel';
import {
  createTestNamespace,
  eventually,
  graphql,
  publishRaw,
  serviceTestEnv,
  tapTopics,
  testInfra,
  type GraphQLResponse,
  type KafkaTap,
  type TestNamespace,
} from '@creditbank/testing';
import { main } from '../src/main';

/** The outcome service in this process, fed with the account and standards events it learns from. */
export interface OutcomeHarness {
  ns: TestNamespace;
  url: string;
  baseUrl: string;
  db: Db;
  tap: KafkaTap;
  env: Record<string, string>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Publish events of other services and wait until the service applied them. */
  feed(events: OutgoingEvent[]): Promise<void>;
  hashOf(idNumber: string): string;
  stop(): Promise<void>;
}

export async function startOutcome(extra: Record<string, string> = {}): Promise<OutcomeHarness> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'outcome', extra);
  const service = await main(env);
  const tap = await tapTopics([ns.topicPrefix + TOPICS.outcome]);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const db = mongo.db(env['MONGODB_DB']);
  return {
    ns,
    url: service.url,
    baseUrl: service.url.replace(/\/graphql$/, ''),
    db,
    tap,
    env,
    gql: (query, variables = {}, token) => graphql(service.url, query, variables, token ? { token } : {}),
    async feed(events) {
      const byTopic = new Map<string, OutgoingEvent[]>();
      for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
      for (const [topic, list] of byTopic)
        await publishRaw(
          ns.topicPrefix + topic,
          list.map((e) => ({ key: e.key, value: JSON.stringify(e.event) })),
        );
      const ids = events.map((e) => `outcome.${e.topic === TOPICS.account ? 'account-events' : 'standards-events'}`);
      await eventually(async () => {
        const applied = await db
          .collection('inbox')
          .countDocuments({ _id: { $in: events.map((e, i) => `${ns.topicPrefix}${ids[i]}/${e.event.id}`) } as never });
        expect(applied).toBe(events.length);
      });
    },
    hashOf: (idNumber) => idHash(idNumber, env['ID_HASH_KEY']!),
    async stop() {
      await tap.stop();
      await service.runtime.stop();
      await mongo.close();
      await ns.cleanup();
    },
  };
}

const meta = (province: string, producer: string) => ({ province, source: `/creditbank/${producer}` });

/** A small standards world: catalogue items, a credit standard for province 33, an accredited institution. */
export const INSTITUTION = makeUscc('330106', 5151);
export const OTHER_INSTITUTION = makeUscc('330106', 6262);

export function item(code: string, overrides: Partial<EventData<typeof CatalogItemPublished>> = {}) {
  return createEvent(
    CatalogItemPublished,
    {
      code,
      version: 1,
      scope: 'NATIONAL',
      province: null,
      title: `${code} 证书`,
      type: 'VOCATIONAL',
      subtype: 'SKILL_CERTIFICATE',
      level: 2,
      track: code.split('-').slice(0, 2).join('-'),
      field: '装备制造大类',
      hours: 300,
      standardCredits: 6,
      validityYears: null,
      evidenceRequired: [],
      supersedesVersion: null,
      publishedAt: new Date(Date.now() - 86_400_000).toISOString(),
      publishedBy: 'seed',
      ...overrides,
    },
    meta('10', 'standards'),
  );
}

export function standard(version: number, overrides: Partial<EventData<typeof CreditStandardPublished>> = {}) {
  return createEvent(
    CreditStandardPublished,
    {
      province: '33',
      version,
      title: `浙江省学分标准 v${version}`,
      effectiveFrom: new Date(Date.now() - 86_400_000 * (10 - version)).toISOString(),
      supersedesVersion: version > 1 ? version - 1 : null,
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
            { level: 2, credits: 6 * version },
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
          maxPerOutcome: 4,
          maxPerItem: null,
          minScore: null,
          pointsPerCredit: null,
        },
      ],
      itemRules: [],
      annualCaps: [{ type: 'NON_ACADEMIC', subtype: null, maxCredits: 5 }],
      publishedAt: new Date().toISOString(),
      publishedBy: 'seed',
      ...overrides,
    },
    meta('33', 'standards'),
  );
}

export function institution(code = INSTITUTION, name = '杭州市职业技能培训中心') {
  return createEvent(
    InstitutionRegistered,
    {
      code,
      name,
      category: 'VOCATIONAL_TRAINING',
      province: '33',
      adminDivision: '330106',
      status: 'ACTIVE',
      registeredAt: new Date(Date.now() - 86_400_000).toISOString(),
    },
    meta('33', 'account'),
  );
}

export function accredited(code = INSTITUTION, overrides: Partial<EventData<typeof InstitutionAccredited>> = {}) {
  return createEvent(
    InstitutionAccredited,
    {
      institutionCode: code,
      province: '33',
      outcomeTypes: ['VOCATIONAL', 'NON_ACADEMIC'],
      bulkDeposit: true,
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      status: 'ACTIVE',
      previousStatus: null,
      accreditedAt: new Date(Date.now() - 3_600_000).toISOString(),
      accreditedBy: 'su-admin',
      ...overrides,
    },
    meta('33', 'standards'),
  );
}

let serial = 100;
export function accountOpened(hash: string, overrides: Partial<EventData<typeof LearnerAccountOpened>> = {}) {
  return createEvent(
    LearnerAccountOpened,
    {
      accountNo: makeAccountNo('33', serial++),
      province: '33',
      adminDivision: '330106',
      gender: 'FEMALE',
      birthYear: 1980,
      householdId: null,
      channel: 'INTAKE_POINT',
      nodeId: 'sn-1',
      idHash: hash,
      status: 'ACTIVE',
      openedAt: new Date().toISOString(),
      nameMasked: '王*英',
      ...overrides,
    },
    meta('33', 'account'),
  );
}

export const IMPORT = `mutation($ref: String!, $rows: [OutcomeRowInput!]!) {
  importOutcomes(batchRef: $ref, rows: $rows) { id status rows accepted duplicates rejected errors { row field code message } }
}`;
export const OUTCOMES_OF = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { outcomes(first: 100) { totalCount edges { node { id status recognizedCredits points catalogItemVersion creditStandardVersion source title } } } } } }`;
