import { MongoClient, type Db } from 'mongodb';
import { TOPICS } from '@creditbank/contracts';
import {
  createTestNamespace,
  graphql,
  serviceTestEnv,
  tapTopics,
  testInfra,
  type GraphQLResponse,
  type KafkaTap,
  type TestNamespace,
} from '@creditbank/testing';
import { main } from '../src/main';

/** The account service in this test process, on the shared broker and database, in its own namespace. */
export interface AccountHarness {
  ns: TestNamespace;
  url: string;
  db: Db;
  tap: KafkaTap;
  env: Record<string, string>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

export async function startAccount(extraEnv: Record<string, string> = {}): Promise<AccountHarness> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'account', extraEnv);
  const service = await main(env);
  const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  return {
    ns,
    url: service.url,
    db: mongo.db(env['MONGODB_DB']),
    tap,
    env,
    gql: (query, variables = {}, token) => graphql(service.url, query, variables, token ? { token } : {}),
    async stop() {
      await tap.stop();
      await service.runtime.stop();
      await mongo.close();
      await ns.cleanup();
    },
  };
}

export const OPEN = `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { initialPassword learner { accountNo name status idNumberMasked phoneMasked province } } }`;
export const REGISTER = `mutation($i: RegisterLearnerInput!) { registerLearnerOnline(input: $i) { accountNo name status openingChannel province idNumberMasked } }`;
export const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt role } }`;
export const ME = `{ me { authenticated role province subject nodeId institutionCode learner { accountNo name } staffUser { username role } } }`;
