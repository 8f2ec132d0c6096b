import { LearnerAccountOpened, TOPICS } from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { eventually, graphql, graphqlOk, publishRaw, tapTopics, tokens, type KafkaTap } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

let platform: Platform;
let tap: KafkaTap;

beforeAll(async () => {
  platform = await startPlatform();
  tap = await tapTopics([platform.ns.topicPrefix + TOPICS.account]);
});

afterAll(async () => {
  await tap?.stop();
  await platform?.stop();
});

const OPEN_NODE = `mutation($input: OpenServiceNodeInput!) { openServiceNode(input: $input) { id kind name province } }`;
const OPEN_ACCOUNT = `mutation($input: OpenLearnerAccountInput!) {
  openLearnerAccount(input: $input) { initialPassword learner { accountNo name idNumberMasked gender birthDate status openingChannel province } }
}`;
const LEARNER_WITH_NODE = `query($no: ID!) { learner(accountNo: $no) { accountNo name status openedAt openedAtNode { id name kind } } }`;
const NODE_STATS = `query($id: ID!) { serviceNode(id: $id) { id name stats { accountsOpened } } }`;

describe('walking skeleton: open an account at an intake point, end to end', () => {
  const idNumber = makeResidentId('330106', '1978-05-12', 123);
  let nodeId: string;
  let accountNo: string;

  it('a centre admin opens an intake point', async () => {
    const data = await graphqlOk<{ openServiceNode: { id: string; province: string } }>(
      platform.gatewayUrl,
      OPEN_NODE,
      { input: { kind: 'INTAKE_POINT', name: '西湖区转塘街道受理点', adminDivision: '330106013', address: '转塘街道' } },
      { token: tokens.centerAdmin('33') },
    );
    nodeId = data.openServiceNode.id;
    expect(data.openServiceNode.province).toBe('33');
  });

  it('an operator of that node opens a learner account through the gateway', async () => {
    const data = await graphqlOk<{ openLearnerAccount: { initialPassword: string; learner: Record<string, string> } }>(
      platform.gatewayUrl,
      OPEN_ACCOUNT,
      { input: { idNumber, name: '王秀英', phone: '13800138000', adminDivision: '330106', agreementVersion: '2026-01' } },
      { token: tokens.operator(nodeId) },
    );
    const learner = data.openLearnerAccount.learner;
    accountNo = learner['accountNo']!;
    expect(accountNo).toMatch(/^33\d{9}[\dX]$/);
    expect(learner).toMatchObject({
      name: '王秀英',
      idNumberMasked: '330106********123X'.slice(0, 14) + idNumber.slice(-4),
      gender: 'MALE',
      birthDate: '1978-05-12',
      status: 'ACTIVE',
      openingChannel: 'INTAKE_POINT',
      province: '33',
    });
    expect(data.openLearnerAccount.initialPassword).toMatch(/^[A-Za-z2-9]{10}$/);
  });

  it('the account service emits account-opened once, through the outbox, without personal data', async () => {
    await eventually(() =>
      expect(tap.events(LearnerAccountOpened.type).filter((e) => (e.data as { accountNo: string }).accountNo === accountNo)).toHaveLength(
        1,
      ),
    );
    const message = tap.messages.find((m) => m.event?.type === LearnerAccountOpened.type && m.key === accountNo)!;
    expect(message.event).toMatchObject({
      specversion: '1.0',
      source: '/creditbank/account',
      province: '33',
      subject: `learner/${accountNo}`,
    });
    expect(message.event?.data).toMatchObject({ accountNo, nodeId, channel: 'INTAKE_POINT', gender: 'MALE', birthYear: 1978 });
    const bytes = message.raw!.toString('utf8');
    expect(bytes).not.toContain(idNumber);
    expect(bytes).not.toContain('王秀英');
    expect(bytes).not.toContain('13800138000');
  });

  it('one federated query returns the learner with the node owned by the intake-network subgraph', async () => {
    const data = await eventually(async () => {
      const d = await graphqlOk<{ learner: { openedAtNode: { id: string; name: string } | null; name: string } }>(
        platform.gatewayUrl,
        LEARNER_WITH_NODE,
        { no: accountNo },
        { token: tokens.centerAdmin('33') },
      );
      expect(d.learner.openedAtNode).not.toBeNull();
      return d;
    });
    expect(data.learner).toMatchObject({
      name: '王秀英',
      openedAtNode: { id: nodeId, name: '西湖区转塘街道受理点', kind: 'INTAKE_POINT' },
    });
  });

  it('analytics counts the opening once, even when the event is delivered twice', async () => {
    const stats = async () =>
      (
        await graphqlOk<{ serviceNode: { stats: { accountsOpened: number } } }>(
          platform.gatewayUrl,
          NODE_STATS,
          { id: nodeId },
          { token: tokens.analyst('33') },
        )
      ).serviceNode.stats.accountsOpened;
    await eventually(async () => expect(await stats()).toBe(1));
    const original = tap.messages.find((m) => m.event?.type === LearnerAccountOpened.type && m.key === accountNo)!;
    await publishRaw(platform.ns.topicPrefix + TOPICS.account, [{ key: original.key, value: original.raw }]);
    // A marker event after the duplicate proves the consumer has moved past it.
    const marker = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
      platform.gatewayUrl,
      OPEN_ACCOUNT,
      {
        input: { idNumber: makeResidentId('330106', '1980-01-01', 44), name: '李芳', adminDivision: '330106', agreementVersion: '2026-01' },
      },
      { token: tokens.operator(nodeId) },
    );
    expect(marker.openLearnerAccount.learner.accountNo).not.toBe(accountNo);
    await eventually(async () => expect(await stats()).toBe(2));
    expect(await stats()).toBe(2);
  });

  it('another province sees nothing of it, through the gateway and straight at the subgraphs', async () => {
    const foreign = tokens.centerAdmin('44');
    const viaGateway = await graphqlOk<{ learner: unknown }>(platform.gatewayUrl, LEARNER_WITH_NODE, { no: accountNo }, { token: foreign });
    expect(viaGateway.learner).toBeNull();
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { accountNo name openedAtNode { id } } } }`;
    for (const url of [platform.subgraphUrl.account, platform.subgraphUrl['intake-network']]) {
      const r = await graphql<{ _entities: Array<Record<string, unknown> | null> }>(
        url,
        entities,
        { r: [{ __typename: 'Learner', accountNo }] },
        { token: foreign },
      );
      const entity = r.data?._entities[0];
      expect(entity === null || entity?.['openedAtNode'] === null || entity === undefined).toBe(true);
      expect(JSON.stringify(r)).not.toContain('王秀英');
    }
    const stats = await graphqlOk<{ serviceNode: { stats: { accountsOpened: number } } }>(
      platform.gatewayUrl,
      NODE_STATS,
      { id: nodeId },
      { token: tokens.analyst('44') },
    );
    expect(stats.serviceNode.stats.accountsOpened).toBe(0);
  });

  it('refuses a second account for the same person with CONFLICT naming only the province', async () => {
    const r = await graphql(
      platform.gatewayUrl,
      OPEN_ACCOUNT,
      { input: { idNumber: idNumber.toLowerCase(), name: '王秀英', adminDivision: '330106', agreementVersion: '2026-01' } },
      { token: tokens.operator(nodeId) },
    );
    expect(r.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(r.errors?.[0]?.message).toContain('33');
    expect(JSON.stringify(r.errors)).not.toContain(accountNo);
  });

  it('rejects a bad ID number with BAD_USER_INPUT naming the field', async () => {
    const r = await graphql(
      platform.gatewayUrl,
      OPEN_ACCOUNT,
      { input: { idNumber: '330106197805121230', name: 'x', adminDivision: '330106', agreementVersion: '1' } },
      { token: tokens.operator(nodeId) },
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.idNumber' });
  });
});
