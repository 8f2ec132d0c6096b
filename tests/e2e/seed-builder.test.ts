import { makeResidentId, makeUscc } from '@creditbank/identity';
import { eventually, graphqlOk, seed, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  await platform?.stop();
});

it('builds a small world through the gateway', async () => {
  const world = await seed(platform.gatewayUrl)
    .node('hangzhou', { kind: 'BRANCH', adminDivision: '330100', name: '杭州分部' })
    .intakePoint('xihu', { adminDivision: '330106013', parent: 'hangzhou' })
    .intakePoint('yuhang', { adminDivision: '330110005', parent: 'hangzhou' })
    .learner('wang', { at: 'xihu', idNumber: makeResidentId('330106', '1970-01-01', 11), name: '王一' })
    .learner('li', { at: 'xihu', idNumber: makeResidentId('330106', '1975-06-01', 22), name: '李二' })
    .learner('zhao', { at: 'yuhang', idNumber: makeResidentId('330110', '1980-02-02', 33), name: '赵三' })
    .run();
  expect(Object.keys(world.learners)).toEqual(['wang', 'li', 'zhao']);
  const query = `query($id: ID!) { serviceNode(id: $id) { name children { id } stats { accountsOpened } } }`;
  await eventually(async () => {
    const xihu = await graphqlOk<{ serviceNode: { stats: { accountsOpened: number } } }>(
      platform.gatewayUrl,
      query,
      { id: world.nodes['xihu']!.id },
      { token: tokens.analyst() },
    );
    expect(xihu.serviceNode.stats.accountsOpened).toBe(2);
  });
  const branch = await graphqlOk<{ serviceNode: { children: Array<{ id: string }> } }>(
    platform.gatewayUrl,
    query,
    { id: world.nodes['hangzhou']!.id },
    { token: tokens.analyst() },
  );
  expect(branch.serviceNode.children.map((c) => c.id).sort()).toEqual([world.nodes['xihu']!.id, world.nodes['yuhang']!.id].sort());
});

it('registers and accredits an institution, waiting for the standards service to learn of it', async () => {
  const code = makeUscc('330106', 31313);
  const world = await seed(platform.gatewayUrl)
    .accreditedInstitution('school', {
      code,
      name: '西湖区社区学院',
      adminDivision: '330106',
      outcomeTypes: ['NON_ACADEMIC'],
      bulkDeposit: false,
    })
    .run();
  expect(world.institutions['school']).toEqual({ code });
  const { institution } = await graphqlOk<{
    institution: { accreditation: { status: string; outcomeTypes: string[]; bulkDeposit: boolean } };
  }>(
    platform.gatewayUrl,
    `query($c: ID!) { institution(code: $c) { accreditation { status outcomeTypes bulkDeposit } } }`,
    { c: code },
    { token: tokens.centerAdmin('33') },
  );
  expect(institution.accreditation).toEqual({ status: 'ACTIVE', outcomeTypes: ['NON_ACADEMIC'], bulkDeposit: false });
});
