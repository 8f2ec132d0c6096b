import { MongoClient } from 'mongodb';
import { LearnerAccountOpened, TOPICS } from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { main as analytics } from '@creditbank/analytics-service';
import { createTestNamespace, eventually, graphql, graphqlOk, serviceTestEnv, tapTopics, testInfra, tokens } from '@creditbank/testing';
import { freePort, spawnService, type ServiceProcess } from '../support/process';

/**
 * The outbox's promise under a crash: the account service is SIGKILLed after the account is
 * committed and before its event is relayed; after a restart the event is published and its effect
 * (analytics counting the opening) happens exactly once.
 */
const ns = createTestNamespace();
let account: ServiceProcess | undefined;
let analyticsService: Awaited<ReturnType<typeof analytics>> | undefined;

afterAll(async () => {
  await account?.kill('SIGKILL');
  await analyticsService?.runtime.stop();
  await ns.cleanup();
});

it('a state change committed before a SIGKILL is published after restart, and applied once', async () => {
  analyticsService = await analytics(serviceTestEnv(ns, 'analytics')); // also creates the topics
  const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
  const env = serviceTestEnv(ns, 'account');
  const port = await freePort();
  // First life: the relay is off, so the change can only be in the database, not on Kafka.
  account = await spawnService('account', { ...env, OUTBOX_RELAY_ENABLED: 'false' }, port);
  const nodeId = 'sn-crash-test-node';
  const opened = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    `${account.baseUrl}/graphql`,
    `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
    { i: { idNumber: makeResidentId('330106', '1966-03-03', 71), name: '赵六', adminDivision: '330106', agreementVersion: '2026-01' } },
    { token: tokens.operator(nodeId) },
  );
  const accountNo = opened.openLearnerAccount.learner.accountNo;

  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  try {
    const doc = await mongo
      .db(env['MONGODB_DB'])
      .collection('learners')
      .findOne({ _id: accountNo as never });
    expect(doc?.['_outboxCount']).toBe(1); // committed with its pending event
  } finally {
    await mongo.close();
  }
  expect(await account.kill('SIGKILL')).toBeNull(); // killed, not exited
  expect(tap.events(LearnerAccountOpened.type)).toHaveLength(0);

  // Second life: the relay finds the pending event and publishes it.
  account = await spawnService('account', env, port);
  await eventually(() =>
    expect(tap.events(LearnerAccountOpened.type).map((e) => (e.data as { accountNo: string }).accountNo)).toContain(accountNo),
  );
  const stats = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceNode { stats { accountsOpened } } } }`;
  const count = async () =>
    (
      await graphql<{ _entities: Array<{ stats: { accountsOpened: number } }> }>(
        analyticsService!.url,
        stats,
        { r: [{ __typename: 'ServiceNode', id: nodeId }] },
        { token: tokens.analyst('33') },
      )
    ).data!._entities[0]!.stats.accountsOpened;
  await eventually(async () => expect(await count()).toBe(1));
  // A graceful stop flushes and exits 0 within the deadline.
  const started = Date.now();
  expect(await account.kill('SIGTERM')).toBe(0);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(await count()).toBe(1);
  expect(new Set(tap.events(LearnerAccountOpened.type).map((e) => e.id)).size).toBe(1);
  await tap.stop();
});
