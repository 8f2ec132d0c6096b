import { MongoClient, type Db } from 'mongodb';
import { TOPICS, type OutgoingEvent } from '@creditbank/contracts';
import { idHash, makeResidentId, makeUscc } from '@creditbank/identity';
import { makeAccountNo } from '@creditbank/kernel';
import {
  catalogItemPublished,
  createTestNamespace,
  creditStandardPublished,
  levelTableRule,
  perHoursRule,
  eventually,
  graphql,
  institutionAccredited,
  institutionRegistered,
  learnerAccountOpened,
  publishRaw,
  serviceTestEnv,
  tapTopics,
  testInfra,
  type AccountOpenedData,
  type AccreditationData,
  type CatalogItemData,
  type CreditStandardData,
  type GraphQLResponse,
  type KafkaTap,
  type TestNamespace,
  tokens,
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

/** A small standards world: catalogue items, a credit standard for province 33, an accredited institution. */
export const INSTITUTION = makeUscc('330106', 5151);
export const OTHER_INSTITUTION = makeUscc('330106', 6262);

/** A first version of a national skill certificate (level 2, 300 hours, 6 credits) published yesterday. */
export function item(code: string, overrides: Partial<CatalogItemData> = {}) {
  return catalogItemPublished({
    code,
    version: 1,
    supersedesVersion: null,
    title: `${code} 证书`,
    track: code.split('-').slice(0, 2).join('-'),
    evidenceRequired: [],
    publishedAt: new Date(Date.now() - 86_400_000).toISOString(),
    ...overrides,
  });
}

/** Province 33's standard `version`: level 2 skill certificates earn 6 × version credits; community education 1 per 18 hours, at most 4 per outcome and 5 a year. */
export function standard(version: number, overrides: Partial<CreditStandardData> = {}) {
  return creditStandardPublished({
    province: '33',
    version,
    title: `浙江省学分标准 v${version}`,
    effectiveFrom: new Date(Date.now() - 86_400_000 * (10 - version)).toISOString(),
    supersedesVersion: version > 1 ? version - 1 : null,
    rules: [
      levelTableRule('VOCATIONAL', { 1: 4, 2: 6 * version }, { subtype: 'SKILL_CERTIFICATE' }),
      perHoursRule('NON_ACADEMIC', 18, { maxPerOutcome: 4 }),
    ],
    itemRules: [],
    annualCaps: [{ type: 'NON_ACADEMIC', subtype: null, maxCredits: 5 }],
    publishedAt: new Date().toISOString(),
    ...overrides,
  });
}

export function institution(code = INSTITUTION, name = '杭州市职业技能培训中心') {
  return institutionRegistered({ code, name, registeredAt: new Date(Date.now() - 86_400_000).toISOString() });
}

/** Accredited for vocational and non-academic outcomes with bulk deposit, valid for a year. */
export function accredited(code = INSTITUTION, overrides: Partial<AccreditationData> = {}) {
  return institutionAccredited({
    institutionCode: code,
    validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    accreditedAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides,
  });
}

let serial = 100;
/** An ACTIVE account of province 33 whose ID number hashes to `hash`. */
export function accountOpened(hash: string, overrides: Partial<AccountOpenedData> = {}) {
  return learnerAccountOpened({
    accountNo: makeAccountNo('33', serial++),
    householdId: null,
    birthYear: 1980,
    idHash: hash,
    openedAt: new Date().toISOString(),
    ...overrides,
  });
}

export const IMPORT = `mutation($ref: String!, $rows: [OutcomeRowInput!]!) {
  importOutcomes(batchRef: $ref, rows: $rows) { id status rows accepted duplicates rejected errors { row field code message } }
}`;
export const OUTCOMES_OF = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { outcomes(first: 100) { totalCount edges { node { id status recognizedCredits points catalogItemVersion creditStandardVersion source title } } } } } }`;

/** An outcome as the archive query above returns it. */
export type OutcomeNode = {
  id: string;
  status: string;
  recognizedCredits: number | null;
  points: number | null;
  catalogItemVersion: number;
  creditStandardVersion: number | null;
  source: string;
};

/** A learner's outcomes through the archive (`_entities` on Learner), as the learner by default. */
export async function outcomesOf(h: OutcomeHarness, accountNo: string, token = tokens.learner(accountNo)): Promise<OutcomeNode[]> {
  const r = await h.gql<{ _entities: Array<{ outcomes: { edges: Array<{ node: OutcomeNode }> } }> }>(
    OUTCOMES_OF,
    { r: [{ __typename: 'Learner', accountNo }] },
    token,
  );
  return r.data!._entities[0]!.outcomes.edges.map((e) => e.node);
}

/** Distinct resident ID numbers of Hangzhou people born in `year`, numbered from `start`. */
export function people(year: number, start: number): () => string {
  let n = start;
  return () => makeResidentId('330108', `${year}-0${(n % 9) + 1}-1${n % 10}`, n++ % 1000);
}
