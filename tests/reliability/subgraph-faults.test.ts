import { makeResidentId } from '@creditbank/identity';
import { main as account } from '@creditbank/account-service';
import type { StartedService } from '@creditbank/server';
import { createTestNamespace, eventually, graphql, graphqlOk, serviceTestEnv, tokens, type GraphQLResponse } from '@creditbank/testing';
import { startGateway, type ServiceKey } from '../support/platform';
import { freePort, spawnService, type ServiceProcess } from '../support/process';

/**
 * A slow or dead subgraph: the gateway answers within its per-subgraph deadline with the data of the
 * healthy subgraphs, nulls for the missing part and a coded error without internals; once the
 * subgraph is back the same query is complete again, and a mutation routed to a dead subgraph fails
 * clearly with nothing applied.
 *
 * The account subgraph runs in this process; the intake-network subgraph runs as its own OS process
 * (compiled code) so it can really hang (SIGSTOP) and really die (SIGKILL). The other four subgraphs
 * are not started: nothing here is routed to them.
 */
const TIMEOUT_MS = 1_500;
/** Planning, the account fetch and a loaded 2-core machine on top of the deadline. */
const MARGIN_MS = 1_500;

const ns = createTestNamespace();
const admin = () => tokens.centerAdmin('33');
let accountService: StartedService | undefined;
let network: ServiceProcess | undefined;
let gateway: StartedService | undefined;
let networkPort = 0;
const networkEnv = serviceTestEnv(ns, 'intake-network');

beforeAll(async () => {
  accountService = await account(serviceTestEnv(ns, 'account'));
  networkPort = await freePort();
  network = await spawnService('intake-network', networkEnv, networkPort);
  const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
  const urls: Record<ServiceKey, string> = {
    account: accountService.url,
    'intake-network': `${network.baseUrl}/graphql`,
    outcome: nowhere,
    standards: nowhere,
    conversion: nowhere,
    analytics: nowhere,
  };
  gateway = await startGateway(urls, { SUBGRAPH_TIMEOUT_MS: '30000', SUBGRAPH_INTAKE_NETWORK_TIMEOUT_MS: String(TIMEOUT_MS) });
}, 120_000);

afterAll(async () => {
  if (network?.child.pid && network.child.exitCode === null) process.kill(network.child.pid, 'SIGCONT');
  await network?.kill('SIGKILL');
  await gateway?.runtime.stop();
  await accountService?.runtime.stop();
  await ns.cleanup();
});

const LEARNER_AND_NODE = `
  query ($a: ID!, $n: ID!) {
    learner(accountNo: $a) { accountNo name openedAtNode { id name } }
    serviceNode(id: $n) { id name }
  }
`;
type LearnerAndNode = {
  learner: { accountNo: string; name: string; openedAtNode: { id: string; name: string } | null } | null;
  serviceNode: { id: string; name: string } | null;
};

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - t0 };
}

/** Every error is the given code with a trace id, and nothing internal reaches the client. */
function expectMaskedFailures(r: GraphQLResponse<unknown>, code: string) {
  expect(r.status).toBe(200);
  expect(r.errors?.length).toBeGreaterThan(0);
  for (const e of r.errors ?? []) {
    expect(e.extensions?.['code']).toBe(code);
    expect(e.extensions?.['traceId']).toEqual(expect.any(String));
    expect(Object.keys(e.extensions ?? {}).sort()).toEqual(['code', 'traceId']);
  }
  const text = JSON.stringify(r.errors);
  for (const internal of ['127.0.0.1', String(networkPort), 'http', 'ECONN', 'UND_ERR', 'abort', 'stack', 'at ', '.ts', '.js']) {
    expect(text).not.toContain(internal);
  }
}

let accountNo = '';
let nodeId = '';

it('seeds a learner opened at an intake point: the query spans account and intake-network', async () => {
  const opened = await graphqlOk<{ openServiceNode: { id: string } }>(
    gateway!.url,
    `mutation($i: OpenServiceNodeInput!) { openServiceNode(input: $i) { id } }`,
    { i: { kind: 'CENTER', adminDivision: '330000', name: '浙江终身教育学分银行管理中心' } },
    { token: admin() },
  );
  nodeId = opened.openServiceNode.id;
  const learner = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    gateway!.url,
    `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
    { i: { idNumber: makeResidentId('330106', '1971-05-09', 433), name: '沈桂英', adminDivision: '330106', agreementVersion: '2026-01' } },
    { token: tokens.operator(nodeId) },
  );
  accountNo = learner.openLearnerAccount.learner.accountNo;
  await eventually(async () => {
    const r = await graphqlOk<LearnerAndNode>(gateway!.url, LEARNER_AND_NODE, { a: accountNo, n: nodeId }, { token: admin() });
    expect(r).toEqual({
      learner: { accountNo, name: '沈桂英', openedAtNode: { id: nodeId, name: '浙江终身教育学分银行管理中心' } },
      serviceNode: { id: nodeId, name: '浙江终身教育学分银行管理中心' },
    });
  });
});

it('a hung subgraph (SIGSTOP): partial data with SERVICE_TIMEOUT within the per-subgraph deadline', async () => {
  process.kill(network!.child.pid!, 'SIGSTOP');
  try {
    const { result: r, ms } = await timed(() =>
      graphql<LearnerAndNode>(gateway!.url, LEARNER_AND_NODE, { a: accountNo, n: nodeId }, { token: admin() }),
    );
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    // The account's part is there; the intake network's nullable fields are null.
    expect(r.data).toEqual({ learner: { accountNo, name: '沈桂英', openedAtNode: null }, serviceNode: null });
    expectMaskedFailures(r, 'SERVICE_TIMEOUT');
    // Meanwhile an operation that does not touch the hung subgraph is not held up.
    const { result: other, ms: otherMs } = await timed(() =>
      graphqlOk<{ learner: { name: string } }>(
        gateway!.url,
        `query($a: ID!) { learner(accountNo: $a) { name } }`,
        { a: accountNo },
        { token: admin() },
      ),
    );
    expect(other.learner.name).toBe('沈桂英');
    expect(otherMs).toBeLessThan(TIMEOUT_MS);
  } finally {
    process.kill(network!.child.pid!, 'SIGCONT');
  }
  // Resumed, it answers again.
  await eventually(async () => {
    const r = await graphqlOk<LearnerAndNode>(gateway!.url, LEARNER_AND_NODE, { a: accountNo, n: nodeId }, { token: admin() });
    expect(r.learner?.openedAtNode?.id).toBe(nodeId);
  });
});

let deadNodeName = '';
let secondAccountNo = '';

it('a dead subgraph (SIGKILL): partial data with SERVICE_UNAVAILABLE at once; a mutation routed to it fails clearly', async () => {
  expect(await network!.kill('SIGKILL')).toBeNull();
  const { result: r, ms } = await timed(() =>
    graphql<LearnerAndNode>(gateway!.url, LEARNER_AND_NODE, { a: accountNo, n: nodeId }, { token: admin() }),
  );
  expect(ms).toBeLessThan(1_000); // connection refused: no waiting for the deadline
  expect(r.data).toEqual({ learner: { accountNo, name: '沈桂英', openedAtNode: null }, serviceNode: null });
  expectMaskedFailures(r, 'SERVICE_UNAVAILABLE');

  // A mutation of the dead subgraph: no data, one clear error.
  deadNodeName = '转塘街道受理点';
  const m = await graphql<{ openServiceNode: { id: string } }>(
    gateway!.url,
    `
      mutation ($i: OpenServiceNodeInput!) {
        openServiceNode(input: $i) {
          id
        }
      }
    `,
    { i: { kind: 'INTAKE_POINT', adminDivision: '330106010', name: deadNodeName } },
    { token: admin() },
  );
  expect(m.data).toBeNull();
  expect(m.errors).toHaveLength(1);
  expectMaskedFailures(m, 'SERVICE_UNAVAILABLE');

  // A mutation of a healthy subgraph whose answer reaches into the dead one: the change is made
  // whole by its own service, and only the other service's part of the answer is missing.
  const opened = await graphql<{ openLearnerAccount: { learner: { accountNo: string; openedAtNode: { id: string } | null } } }>(
    gateway!.url,
    `
      mutation ($i: OpenLearnerAccountInput!) {
        openLearnerAccount(input: $i) {
          learner {
            accountNo
            openedAtNode {
              id
            }
          }
        }
      }
    `,
    { i: { idNumber: makeResidentId('330106', '1983-11-23', 518), name: '钱晓燕', adminDivision: '330106', agreementVersion: '2026-01' } },
    { token: tokens.operator(nodeId) },
  );
  secondAccountNo = opened.data!.openLearnerAccount.learner.accountNo;
  expect(secondAccountNo).toMatch(/^33/);
  expect(opened.data!.openLearnerAccount.learner.openedAtNode).toBeNull();
  expectMaskedFailures(opened, 'SERVICE_UNAVAILABLE');
});

it('restarted, the same query is complete again; the refused mutation left nothing and no event was lost', async () => {
  network = await spawnService('intake-network', networkEnv, networkPort);
  await eventually(async () => {
    const r = await graphqlOk<LearnerAndNode>(gateway!.url, LEARNER_AND_NODE, { a: accountNo, n: nodeId }, { token: admin() });
    expect(r).toEqual({
      learner: { accountNo, name: '沈桂英', openedAtNode: { id: nodeId, name: '浙江终身教育学分银行管理中心' } },
      serviceNode: { id: nodeId, name: '浙江终身教育学分银行管理中心' },
    });
  });
  // The learner opened while the network was down is known to it now (its event waited in Kafka).
  await eventually(async () => {
    const r = await graphqlOk<{ learner: { openedAtNode: { id: string } | null } }>(
      gateway!.url,
      `query($a: ID!) { learner(accountNo: $a) { openedAtNode { id } } }`,
      { a: secondAccountNo },
      { token: admin() },
    );
    expect(r.learner.openedAtNode).toEqual({ id: nodeId });
  });
  const nodes = await graphqlOk<{ serviceNodes: { totalCount: number; edges: Array<{ node: { name: string } }> } }>(
    gateway!.url,
    `{ serviceNodes(first: 50) { totalCount edges { node { name } } } }`,
    {},
    { token: admin() },
  );
  expect(nodes.serviceNodes.edges.map((e) => e.node.name)).toEqual(['浙江终身教育学分银行管理中心']);
  expect(nodes.serviceNodes.totalCount).toBe(1);
  expect(deadNodeName).not.toBe('');
});
