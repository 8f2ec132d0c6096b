import { makeResidentId } from '@creditbank/identity';
import { eventually, graphql, graphqlOk, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

/**
 * The intake network through the gateway, with the account service: a province builds its network,
 * an operator created for an intake point gets that node in their token (staff.user-created →
 * operator.assigned → account), opens an account there, publishes a local project, and the learner
 * enrols. The directory and the nearest points are public.
 */
let platform: Platform;
const admin = () => tokens.centerAdmin('33');
const nodes: Record<string, string> = {};

beforeAll(async () => {
  platform = await startPlatform();
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { node?: string };
const gql = <T>(query: string, variables: Record<string, unknown>, token?: string) =>
  graphqlOk<T>(platform.gatewayUrl, query, variables, token ? { token } : {});

it('builds a network, binds an operator to a node, and serves residents there', async () => {
  const OPEN = `mutation($i: OpenServiceNodeInput!) { openServiceNode(input: $i) { id parent { id } } }`;
  for (const [alias, kind, adminDivision, name] of [
    ['centre', 'CENTER', '330000', '浙江终身教育学分银行管理中心'],
    ['hangzhou', 'BRANCH', '330100', '杭州分部'],
    ['xihu', 'SUBCENTER', '330106', '西湖区分中心'],
    ['zhuantang', 'INTAKE_POINT', '330106010', '转塘街道受理点'],
  ] as const) {
    const r = await gql<{ openServiceNode: { id: string } }>(
      OPEN,
      { i: { kind, adminDivision, name, location: kind === 'INTAKE_POINT' ? { lat: 30.1456, lng: 120.0861 } : null } },
      admin(),
    );
    nodes[alias] = r.openServiceNode.id;
  }

  // The account service creates the operator for the intake point; the network assigns them.
  await gql(
    `mutation($i: CreateStaffUserInput!) { createStaffUser(input: $i) { id } }`,
    {
      i: { username: 'op-zhuantang', password: 'Operator-pass-2026', role: 'INTAKE_OPERATOR', province: '33', nodeId: nodes['zhuantang'] },
    },
    admin(),
  );
  const login = async (username: string, password: string) =>
    (
      await gql<{ login: { token: string } }>(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, {
        u: username,
        p: password,
      })
    ).login.token;
  let operatorToken = '';
  await eventually(async () => {
    operatorToken = await login('op-zhuantang', 'Operator-pass-2026');
    expect(claimsOf(operatorToken).node).toBe(nodes['zhuantang']);
  });

  // The operator opens an account at the node; the learner's origin resolves across subgraphs.
  const opened = await gql<{ openLearnerAccount: { initialPassword: string; learner: { accountNo: string } } }>(
    `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { initialPassword learner { accountNo } } }`,
    {
      i: { idNumber: makeResidentId('330106', '1968-04-18', 271), name: '周美华', adminDivision: '330106010', agreementVersion: '2026-01' },
    },
    operatorToken,
  );
  const { accountNo } = opened.openLearnerAccount.learner;
  await eventually(async () => {
    const r = await gql<{ learner: { name: string; openedAtNode: { name: string; parent: { name: string } } } }>(
      `query($a: ID!) { learner(accountNo: $a) { name openedAtNode { name parent { name } } } }`,
      { a: accountNo },
      admin(),
    );
    expect(r.learner).toEqual({ name: '周美华', openedAtNode: { name: '转塘街道受理点', parent: { name: '西湖区分中心' } } });
  });

  // A local project at the node; the learner finds it and enrols.
  const project = await gql<{ publishLearningProject: { id: string } }>(
    `mutation($i: LearningProjectInput!) { publishLearningProject(input: $i) { id } }`,
    {
      i: {
        nodeId: nodes['zhuantang'],
        title: '龙井茶炒制技艺',
        startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        capacity: 20,
      },
    },
    operatorToken,
  );
  const learnerToken = await login(accountNo, opened.openLearnerAccount.initialPassword);
  await eventually(async () => {
    const r = await graphql<{ enrolInLearningProject: { enrolledByMe: boolean; seatsLeft: number } }>(
      platform.gatewayUrl,
      `
        mutation ($p: ID!, $a: ID!) {
          enrolInLearningProject(projectId: $p, accountNo: $a) {
            enrolledByMe
            seatsLeft
          }
        }
      `,
      { p: project.publishLearningProject.id, a: accountNo },
      { token: learnerToken },
    );
    expect(r.data?.enrolInLearningProject).toEqual({ enrolledByMe: true, seatsLeft: 19 });
  });
  const mine = await gql<{ learningProjects: { edges: Array<{ node: { title: string; node: { name: string } } }> } }>(
    `query($a: ID!) { learningProjects(filter: { enrolledAccountNo: $a }) { edges { node { title node { name } } } } }`,
    { a: accountNo },
    learnerToken,
  );
  expect(mine.learningProjects.edges.map((e) => e.node)).toEqual([{ title: '龙井茶炒制技艺', node: { name: '转塘街道受理点' } }]);

  // The directory is public.
  const near = await gql<{ nearestIntakePoints: Array<{ id: string; distanceKm: number }> }>(
    `{ nearestIntakePoints(lat: 30.15, lng: 120.09, limit: 3) { id distanceKm(lat: 30.15, lng: 120.09) } }`,
    {},
  );
  expect(near.nearestIntakePoints.map((n) => n.id)).toEqual([nodes['zhuantang']]);
  expect(near.nearestIntakePoints[0]!.distanceKm).toBeLessThan(1);
  const tree = await gql<{
    serviceNodes: { totalCount: number; edges: Array<{ node: { kind: string; children: Array<{ id: string }> } }> };
  }>(`{ serviceNodes(filter: { province: "33", kind: BRANCH }) { totalCount edges { node { kind children { id } } } } }`, {});
  expect(tree.serviceNodes.edges[0]!.node.children).toEqual([{ id: nodes['xihu'] }]);
});
