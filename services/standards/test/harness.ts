import { MongoClient, type Db } from 'mongodb';
import { InstitutionRegistered, InstitutionUpdated, TOPICS, createEvent } from '@creditbank/contracts';
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

/** The standards service in this test process, on the shared broker and database, in its own namespace. */
export interface StandardsHarness {
  ns: TestNamespace;
  url: string;
  db: Db;
  tap: KafkaTap;
  env: Record<string, string>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails on errors and returns data. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** Publish an institution as the account service would, and wait until the projection has it. */
  institution(facts: Partial<InstitutionFactsInput> & { code: string; province?: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface InstitutionFactsInput {
  code: string;
  name: string;
  category: 'ACADEMIC' | 'VOCATIONAL_CERT_ISSUER' | 'VOCATIONAL_TRAINING' | 'NON_ACADEMIC' | 'UNIVERSITY';
  province: string;
  adminDivision: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DEREGISTERED';
}

export function institutionEvent(
  kind: 'registered' | 'updated',
  facts: Partial<InstitutionFactsInput> & { code: string },
  at = new Date().toISOString(),
  id?: string,
) {
  const province = facts.province ?? '33';
  const data = {
    code: facts.code,
    name: facts.name ?? '西湖区职业技能培训学校',
    category: facts.category ?? 'VOCATIONAL_TRAINING',
    province,
    adminDivision: facts.adminDivision ?? `${province}0106`,
    status: facts.status ?? 'ACTIVE',
  };
  const meta = { province, source: '/creditbank/account', ...(id ? { id } : {}) };
  return kind === 'registered'
    ? createEvent(InstitutionRegistered, { ...data, registeredAt: at }, meta)
    : createEvent(InstitutionUpdated, { ...data, updatedAt: at }, meta);
}

export async function startStandards(extraEnv: Record<string, string> = {}): Promise<StandardsHarness> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'standards', extraEnv);
  const service = await main(env);
  const tap = await tapTopics([ns.topicPrefix + TOPICS.standards]);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const db = mongo.db(env['MONGODB_DB']);
  const gql = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
    graphql<T>(service.url, query, variables, token ? { token } : {});
  return {
    ns,
    url: service.url,
    db,
    tap,
    env,
    gql,
    async ok<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const r = await gql<T>(query, variables, token);
      if (r.errors?.length || !r.data) throw new Error(`GraphQL request failed: ${JSON.stringify(r.errors ?? r.data)}`);
      return r.data;
    },
    async institution(facts) {
      const out = institutionEvent('registered', facts);
      await publishRaw(ns.topicPrefix + TOPICS.account, [{ key: out.key, value: JSON.stringify(out.event) }]);
      await eventually(async () => {
        const doc = await db.collection('institutions').findOne({ _id: facts.code as never });
        if (!doc) throw new Error('institution not projected yet');
      });
    },
    async stop() {
      await tap.stop();
      await service.runtime.stop();
      await mongo.close();
      await ns.cleanup();
    },
  };
}

export const ITEM_FIELDS =
  'code name type subtype level track field hours standardCredits status version scope province validityYears evidenceRequired';
export const UPSERT = `mutation($i: CatalogItemInput!) { upsertCatalogItem(input: $i) { ${ITEM_FIELDS} } }`;
export const PUBLISH = `mutation($c: ID!) { publishCatalogItem(code: $c) { ${ITEM_FIELDS} publishedAt supersededBy } }`;
export const RETIRE = `mutation($c: ID!, $r: String) { retireCatalogItem(code: $c, reason: $r) { ${ITEM_FIELDS} retiredAt retireReason } }`;
export const ITEM = `query($c: ID!, $v: Int) { catalogItem(code: $c, version: $v) { ${ITEM_FIELDS} supersededBy retireReason } }`;
