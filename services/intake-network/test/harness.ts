import { MongoClient, type Db } from 'mongodb';
import { TOPICS, createEvent, type EventData, type EventDefinition, type EventMeta } from '@creditbank/contracts';
import {
  createTestNamespace,
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
import { runSeedNetwork } from '../src/seed-network';

/** The intake-network service in this test process, on the shared broker and database, in its own namespace. */
export interface NetworkHarness {
  ns: TestNamespace;
  url: string;
  db: Db;
  tap: KafkaTap;
  env: Record<string, string>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Publish another service's event (on its topic) as that service would; returns the bytes. */
  publishEvent<D extends EventDefinition>(def: D, data: EventData<D>, meta?: Partial<EventMeta>): Promise<string>;
  /** Publish the same bytes again (a redelivery). */
  publishRawAccount(value: string, key: string): Promise<void>;
  seed(province?: string, points?: number): ReturnType<typeof runSeedNetwork>;
  stop(): Promise<void>;
}

export async function startNetwork(extraEnv: Record<string, string> = {}): Promise<NetworkHarness> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'intake-network', extraEnv);
  const service = await main(env);
  const tap = await tapTopics([ns.topicPrefix + TOPICS.network]);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const publishRawAccount = (value: string, key: string) => publishRaw(ns.topicPrefix + TOPICS.account, [{ key, value }]);
  return {
    ns,
    url: service.url,
    db: mongo.db(env['MONGODB_DB']),
    tap,
    env,
    gql: (query, variables = {}, token) => graphql(service.url, query, variables, token ? { token } : {}),
    async publishEvent(def, data, meta = {}) {
      const out = createEvent(def as EventDefinition, data as never, { province: '33', source: `/creditbank/${def.producer}`, ...meta });
      const value = JSON.stringify(out.event);
      await publishRaw(ns.topicPrefix + def.topic, [{ key: out.key, value }]);
      return value;
    },
    publishRawAccount,
    seed: (province = '33', points) =>
      runSeedNetwork(['--province', province, ...(points === undefined ? [] : ['--points', String(points)])], env),
    async stop() {
      await tap.stop();
      await service.runtime.stop();
      await mongo.close();
      await ns.cleanup();
    },
  };
}

export const OPEN = `mutation($i: OpenServiceNodeInput!) { openServiceNode(input: $i) { id kind name province adminDivision divisionName status parent { id } } }`;
export const NODE_FIELDS = `id kind name province adminDivision divisionName status statusReason parent { id kind } children { id } address location { lat lng } hostOrganization services openedAt`;

export { makeAccountNo as accountNo } from '@creditbank/kernel';
