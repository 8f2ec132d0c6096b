import {
  LearnerAccountOpened,
  ServiceNodeClosed,
  ServiceNodeOpened,
  ServiceNodeReactivated,
  ServiceNodeSuspended,
  ServiceNodeUpdated,
} from '@creditbank/contracts';
import { eventually, graphql, tokens } from '@creditbank/testing';
import { OPEN, accountNo, startNetwork, type NetworkHarness } from './harness';

/**
 * The network's rules through the subgraph: hierarchy (kinds nest in order, divisions inside the
 * parent's, real GB/T 2260 divisions, one centre per province), the node life cycle with reasons,
 * history and events, updates by admins and operators, and the public directory.
 */
let h: NetworkHarness;
const admin = () => tokens.centerAdmin('33');
type Opened = { openServiceNode: { id: string; kind: string; parent: { id: string } | null; divisionName: string; status: string } };
const ids: Record<string, string> = {};

async function open(input: Record<string, unknown>, token = admin()) {
  return h.gql<Opened>(OPEN, { i: { name: `${String(input['adminDivision'])} 节点`, ...input } }, token);
}
const errorOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions;

beforeAll(async () => {
  h = await startNetwork();
});

afterAll(async () => {
  await h?.stop();
});

describe('hierarchy rules', () => {
  it('opens a centre, a branch, a sub-centre and an intake point, each under the nearest node above', async () => {
    const centre = await open({
      kind: 'CENTER',
      name: '浙江终身教育学分银行管理中心',
      adminDivision: '330000',
      hostOrganization: '浙江开放大学',
    });
    expect(centre.errors).toBeUndefined();
    ids['centre'] = centre.data!.openServiceNode.id;
    expect(centre.data!.openServiceNode).toMatchObject({ kind: 'CENTER', parent: null, divisionName: '浙江省', status: 'ACTIVE' });

    const branch = await open({ kind: 'BRANCH', name: '杭州分部', adminDivision: '330100' });
    ids['hangzhou'] = branch.data!.openServiceNode.id;
    expect(branch.data!.openServiceNode.parent).toEqual({ id: ids['centre'] });

    const sub = await open({ kind: 'SUBCENTER', name: '西湖区分中心', adminDivision: '330106' });
    ids['xihu'] = sub.data!.openServiceNode.id;
    expect(sub.data!.openServiceNode.parent).toEqual({ id: ids['hangzhou'] });

    const point = await open({
      kind: 'INTAKE_POINT',
      name: '文新街道受理点',
      adminDivision: '330106013',
      parentId: ids['xihu'],
      address: '杭州市西湖区文新街道文一西路1号',
      location: { lat: 30.2905, lng: 120.1044 },
      contact: { phone: '0571-88886666' },
      openingHours: [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], opens: '08:30', closes: '17:00' }],
    });
    expect(point.errors).toBeUndefined();
    ids['wenxin'] = point.data!.openServiceNode.id;
    expect(point.data!.openServiceNode).toMatchObject({ parent: { id: ids['xihu'] }, divisionName: '浙江省 杭州市 西湖区 文新街道' });

    await eventually(() => expect(h.tap.events(ServiceNodeOpened.type)).toHaveLength(4));
    const event = h.tap.events(ServiceNodeOpened.type).find((e) => (e.data as { nodeId: string }).nodeId === ids['wenxin']);
    expect(event).toMatchObject({ source: '/creditbank/intake-network', province: '33', subject: `service-node/${ids['wenxin']}` });
    expect(event?.data).toMatchObject({ kind: 'INTAKE_POINT', parentId: ids['xihu'], location: { lat: 30.2905, lng: 120.1044 } });
    expect(JSON.stringify(event)).not.toContain('88886666'); // contact details stay out of events
  });

  // Four entries per row: jest takes a fourth parameter of a shorter row for a done callback.
  const refusals: Array<[string, () => Record<string, unknown>, string, 'admin' | 'platform']> = [
    ['an unknown division', () => ({ kind: 'INTAKE_POINT', adminDivision: '330106999' }), 'input.adminDivision', 'admin'],
    [
      'a township code that does not exist any more (余杭 330110001)',
      () => ({ kind: 'INTAKE_POINT', adminDivision: '330110001' }),
      'input.adminDivision',
      'admin',
    ],
    ['a division of the wrong level', () => ({ kind: 'BRANCH', adminDivision: '330106' }), 'input.adminDivision', 'admin'],
    ['not a division code', () => ({ kind: 'SUBCENTER', adminDivision: '33A106' }), 'input.adminDivision', 'admin'],
    [
      'wrong nesting (a branch under a sub-centre)',
      () => ({ kind: 'BRANCH', adminDivision: '330200', parentId: ids['xihu'] }),
      'input.parentId',
      'admin',
    ],
    [
      'wrong nesting (a sub-centre under an intake point)',
      () => ({ kind: 'SUBCENTER', adminDivision: '330108', parentId: ids['wenxin'] }),
      'input.parentId',
      'admin',
    ],
    [
      'a division outside the parent’s',
      () => ({ kind: 'SUBCENTER', adminDivision: '330205', parentId: ids['hangzhou'] }),
      'input.adminDivision',
      'admin',
    ],
    [
      'a township outside the sub-centre’s county',
      () => ({ kind: 'INTAKE_POINT', adminDivision: '330108001', parentId: ids['xihu'] }),
      'input.adminDivision',
      'admin',
    ],
    [
      'a farther parent while a nearer one covers the division',
      () => ({ kind: 'INTAKE_POINT', adminDivision: '330106002', parentId: ids['hangzhou'] }),
      'input.parentId',
      'admin',
    ],
    ['a parent for a centre', () => ({ kind: 'CENTER', adminDivision: '320000', parentId: ids['centre'] }), 'input.parentId', 'platform'],
    ['a division of another province', () => ({ kind: 'INTAKE_POINT', adminDivision: '440106001' }), 'input.adminDivision', 'admin'],
    [
      'a location outside China',
      () => ({ kind: 'INTAKE_POINT', adminDivision: '330106002', location: { lat: 120.1, lng: 30.2 } }),
      'input.location.lat',
      'admin',
    ],
    [
      'a bad phone number',
      () => ({ kind: 'INTAKE_POINT', adminDivision: '330106002', contact: { phone: '12345' } }),
      'input.contact.phone',
      'admin',
    ],
    [
      'opening hours that close before they open',
      () => ({ kind: 'INTAKE_POINT', adminDivision: '330106002', openingHours: [{ days: ['SAT'], opens: '12:00', closes: '09:00' }] }),
      'input.openingHours.0.closes',
      'admin',
    ],
  ];

  it.each(refusals)('refuses %s and stores nothing', async (_what, input, field, who) => {
    const before = await h.db.collection('service_nodes').countDocuments();
    const r = await open(input(), who === 'platform' ? tokens.platformAdmin() : admin());
    expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.db.collection('service_nodes').countDocuments()).toBe(before);
  });

  it('allows one centre per province, one branch per city and one sub-centre per county, also under concurrency', async () => {
    expect(errorOf(await open({ kind: 'CENTER', adminDivision: '330000' }))).toMatchObject({ code: 'CONFLICT', existingId: ids['centre'] });
    expect(errorOf(await open({ kind: 'BRANCH', adminDivision: '330100' }))?.['code']).toBe('CONFLICT');
    expect(errorOf(await open({ kind: 'SUBCENTER', adminDivision: '330106' }))?.['code']).toBe('CONFLICT');
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => open({ kind: 'CENTER', adminDivision: '320000' }, tokens.platformAdmin())),
    );
    expect(racing.filter((r) => !r.errors)).toHaveLength(1);
    expect(racing.filter((r) => errorOf(r)?.['code'] === 'CONFLICT')).toHaveLength(5);
    expect(await h.db.collection('service_nodes').countDocuments({ kind: 'CENTER', province: '32' })).toBe(1);
  });

  it('lets only centre admins of the province and platform admins open nodes', async () => {
    const input = { kind: 'INTAKE_POINT', adminDivision: '330106002' };
    expect(errorOf(await open(input, tokens.centerAdmin('44')))?.['code']).toBe('BAD_USER_INPUT');
    expect(errorOf(await open(input, tokens.operator(ids['xihu']!)))?.['code']).toBe('FORBIDDEN');
    expect(errorOf(await open(input, tokens.analyst()))?.['code']).toBe('FORBIDDEN');
    expect(errorOf(await open(input, ''))?.['code']).toBe('UNAUTHENTICATED');
  });
});

describe('life cycle', () => {
  const STATUS = (m: string) => `mutation($id: ID!, $r: String!) { ${m}(id: $id, reason: $r) { status statusReason } }`;

  it('suspends, resumes, closes and reopens with reasons, history and events', async () => {
    const point = await open({ kind: 'INTAKE_POINT', name: '北山街道受理点', adminDivision: '330106002' });
    const id = point.data!.openServiceNode.id;
    expect((await h.gql(STATUS('suspendServiceNode'), { id, r: '场地改造' }, admin())).data).toEqual({
      suspendServiceNode: { status: 'SUSPENDED', statusReason: '场地改造' },
    });
    expect(errorOf(await h.gql(STATUS('suspendServiceNode'), { id, r: 'again' }, admin()))?.['code']).toBe('CONFLICT');
    expect(errorOf(await h.gql(STATUS('suspendServiceNode'), { id, r: ' ' }, admin()))).toMatchObject({ field: 'reason' });
    expect((await h.gql(STATUS('resumeServiceNode'), { id, r: '改造完成' }, admin())).errors).toBeUndefined();
    expect((await h.gql(STATUS('closeServiceNode'), { id, r: '并入文新街道受理点' }, admin())).errors).toBeUndefined();
    expect(
      errorOf(await h.gql(`mutation($id: ID!) { updateServiceNode(id: $id, input: { address: "x" }) { id } }`, { id }, admin()))?.['code'],
    ).toBe('CONFLICT');
    expect((await h.gql(STATUS('reopenServiceNode'), { id, r: '恢复设点' }, admin())).data).toEqual({
      reopenServiceNode: { status: 'ACTIVE', statusReason: '恢复设点' },
    });

    const HISTORY = `query($id: ID!) { serviceNode(id: $id) { history { action status reason by } } }`;
    const history = await h.gql<{ serviceNode: { history: Array<{ action: string; reason: string | null }> } }>(HISTORY, { id }, admin());
    expect(history.data!.serviceNode.history.map((x) => x.action)).toEqual(['OPENED', 'SUSPENDED', 'RESUMED', 'CLOSED', 'REOPENED']);
    expect((await graphql<{ serviceNode: { history: unknown[] } }>(h.url, HISTORY, { id })).data!.serviceNode.history).toEqual([]);
    expect(
      (await h.gql<{ serviceNode: { history: unknown[] } }>(HISTORY, { id }, tokens.centerAdmin('44'))).data!.serviceNode.history,
    ).toEqual([]);

    await eventually(() => {
      const about = (type: string) => h.tap.events(type).filter((e) => (e.data as { nodeId: string }).nodeId === id);
      expect(about(ServiceNodeSuspended.type).map((e) => e.data)).toEqual([
        expect.objectContaining({ previousStatus: 'ACTIVE', reason: '场地改造' }),
      ]);
      expect(about(ServiceNodeClosed.type)).toHaveLength(1);
      expect(about(ServiceNodeReactivated.type).map((e) => (e.data as { previousStatus: string }).previousStatus)).toEqual([
        'SUSPENDED',
        'CLOSED',
      ]);
    });
  });

  it('closes a node only without open children, and frees its slot for a successor', async () => {
    expect(errorOf(await h.gql(STATUS('closeServiceNode'), { id: ids['xihu'], r: '撤并' }, admin()))).toMatchObject({ code: 'CONFLICT' });
    const sub = await open({ kind: 'SUBCENTER', name: '滨江区分中心', adminDivision: '330108' });
    const id = sub.data!.openServiceNode.id;
    expect((await h.gql(STATUS('closeServiceNode'), { id, r: '撤并' }, admin())).errors).toBeUndefined();
    const successor = await open({ kind: 'SUBCENTER', name: '滨江区分中心（新址）', adminDivision: '330108' });
    expect(successor.errors).toBeUndefined();
    // The old one cannot come back while the successor holds the county.
    expect(errorOf(await h.gql(STATUS('reopenServiceNode'), { id, r: '恢复' }, admin()))?.['code']).toBe('CONFLICT');
  });

  it('refuses status changes from other provinces (as missing) and from other roles', async () => {
    expect(errorOf(await h.gql(STATUS('suspendServiceNode'), { id: ids['wenxin'], r: 'x' }, tokens.centerAdmin('44')))?.['code']).toBe(
      'NOT_FOUND',
    );
    expect(
      errorOf(await h.gql(STATUS('suspendServiceNode'), { id: ids['wenxin'], r: 'x' }, tokens.operator(ids['wenxin']!)))?.['code'],
    ).toBe('FORBIDDEN');
    expect(errorOf(await h.gql(STATUS('suspendServiceNode'), { id: 'sn-nope', r: 'x' }, admin()))?.['code']).toBe('NOT_FOUND');
  });
});

describe('updates', () => {
  const UPDATE = `mutation($id: ID!, $i: UpdateServiceNodeInput!) { updateServiceNode(id: $id, input: $i) { name address hostOrganization location { lat lng } contact { phone } openingHours { days opens closes } services } }`;

  it('lets the centre admin change everything, publishing which fields changed (and nothing for no change)', async () => {
    const r = await h.gql(
      UPDATE,
      {
        id: ids['wenxin'],
        i: { name: '文新街道学分银行受理点', hostOrganization: '文新街道成人文化技术学校', services: ['ACCOUNT_OPENING', 'DEPOSIT'] },
      },
      admin(),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ updateServiceNode: { name: '文新街道学分银行受理点', services: ['ACCOUNT_OPENING', 'DEPOSIT'] } });
    await eventually(() =>
      expect(h.tap.events(ServiceNodeUpdated.type).map((e) => (e.data as { changed: string[] }).changed)).toEqual([
        ['nodeName', 'hostOrganization', 'services'],
      ]),
    );
    await h.gql(UPDATE, { id: ids['wenxin'], i: { name: '文新街道学分银行受理点' } }, admin()); // no change
    // Once the outbox is empty, anything the no-op had written would have been published: nothing was.
    await eventually(async () =>
      expect((await h.db.collection('service_nodes').findOne({ _id: ids['wenxin'] as never }))?.['_outboxCount'] ?? 0).toBe(0),
    );
    expect(h.tap.events(ServiceNodeUpdated.type)).toHaveLength(1);
    const doc = await h.db.collection('service_nodes').findOne({ _id: ids['wenxin'] as never });
    expect((doc?.['history'] as unknown[]).length).toBe(2);
  });

  it('lets operators of the node or of a node above change its practical details, not its name', async () => {
    const practical = {
      address: '文一西路100号',
      contact: { phone: '0571-88001122', email: 'wenxin@example.org' },
      location: { lat: 30.291, lng: 120.105 },
    };
    const below = await h.gql(UPDATE, { id: ids['wenxin'], i: practical }, tokens.operator(ids['xihu']!));
    expect(below.errors).toBeUndefined();
    const own = await h.gql(
      UPDATE,
      { id: ids['wenxin'], i: { openingHours: [{ days: ['SAT'], opens: '09:00', closes: '11:30' }] } },
      tokens.operator(ids['wenxin']!),
    );
    expect(own.data).toMatchObject({ updateServiceNode: { openingHours: [{ days: ['SAT'], opens: '09:00', closes: '11:30' }] } });
    expect(errorOf(await h.gql(UPDATE, { id: ids['wenxin'], i: { name: '改名' } }, tokens.operator(ids['wenxin']!)))?.['code']).toBe(
      'FORBIDDEN',
    );
    expect(errorOf(await h.gql(UPDATE, { id: ids['xihu'], i: { address: 'x' } }, tokens.operator(ids['wenxin']!)))?.['code']).toBe(
      'FORBIDDEN',
    );
    expect(errorOf(await h.gql(UPDATE, { id: ids['wenxin'], i: { address: 'x' } }, tokens.operator(ids['wenxin']!, '44')))?.['code']).toBe(
      'NOT_FOUND',
    );
    // The position index follows the move at once.
    const near = await graphql<{ nearestIntakePoints: Array<{ id: string; location: { lat: number } }> }>(
      h.url,
      `
        {
          nearestIntakePoints(lat: 30.291, lng: 120.105, limit: 1) {
            id
            location {
              lat
            }
          }
        }
      `,
    );
    expect(near.data!.nearestIntakePoints).toEqual([{ id: ids['wenxin'], location: { lat: 30.291 } }]);
  });
});

describe('the public directory', () => {
  it('serves nodes, parents and children to anyone; operators only to the province’s staff', async () => {
    const Q = `query($id: ID!) { serviceNode(id: $id) { name parent { name parent { kind } } children { id } operators { userId } openingHours { opens } } }`;
    const anonymous = await graphql<{ serviceNode: { parent: { name: string; parent: { kind: string } }; operators: unknown[] } }>(
      h.url,
      Q,
      {
        id: ids['wenxin'],
      },
    );
    expect(anonymous.data!.serviceNode).toMatchObject({ parent: { name: '西湖区分中心', parent: { kind: 'BRANCH' } }, operators: [] });
    const list = await graphql<{ serviceNodes: { totalCount: number } }>(
      h.url,
      `
        {
          serviceNodes(filter: { province: "33", kind: INTAKE_POINT }) {
            totalCount
          }
        }
      `,
    );
    expect(list.data!.serviceNodes.totalCount).toBe(2);
    const within = await graphql<{ serviceNodes: { edges: Array<{ node: { id: string } }> } }>(
      h.url,
      `
        query ($id: ID!) {
          serviceNodes(filter: { withinNodeId: $id }) {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
      { id: ids['hangzhou'] },
    );
    expect(within.data!.serviceNodes.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([ids['xihu'], ids['wenxin']]));
    expect(
      errorOf(
        await graphql(
          h.url,
          `
            {
              serviceNodes(filter: { divisionPrefix: "33x" }) {
                totalCount
              }
            }
          `,
        ),
      ),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.divisionPrefix',
    });
  });

  it('resolves Learner.openedAtNode from the account service’s events, for those who may see the learner', async () => {
    const opened = accountNo('33', 4242);
    const online = accountNo('33', 4243);
    for (const [no, nodeId, channel] of [
      [opened, ids['wenxin']!, 'INTAKE_POINT'],
      [online, null, 'ONLINE'],
    ] as const) {
      await h.publishEvent(LearnerAccountOpened, {
        ...LearnerAccountOpened.example,
        accountNo: no,
        nodeId,
        channel,
        status: 'ACTIVE',
      });
    }
    const Q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { accountNo openedAtNode { id kind } } } }`;
    const reps = [opened, online].map((no) => ({ __typename: 'Learner', accountNo: no }));
    await eventually(async () => {
      const r = await graphql<{ _entities: unknown[] }>(h.url, Q, { r: reps }, { token: admin() });
      expect(r.data?._entities).toEqual([
        { accountNo: opened, openedAtNode: { id: ids['wenxin'], kind: 'INTAKE_POINT' } },
        { accountNo: online, openedAtNode: null },
      ]);
    });
    for (const token of [tokens.centerAdmin('44'), tokens.learner(online), '']) {
      const r = await graphql<{ _entities: Array<{ openedAtNode: unknown }> }>(h.url, Q, { r: reps }, token ? { token } : {});
      expect(r.data?._entities.map((e) => e.openedAtNode)).toEqual([null, null]);
    }
    const own = await graphql<{ _entities: Array<{ openedAtNode: unknown }> }>(
      h.url,
      Q,
      { r: reps.slice(0, 1) },
      { token: tokens.learner(opened) },
    );
    expect(own.data?._entities[0]?.openedAtNode).toEqual({ id: ids['wenxin'], kind: 'INTAKE_POINT' });
  });
});

it('seeds a province’s demo network through the outbox: every node’s opened event reaches Kafka once', async () => {
  const result = await h.seed('63', 12);
  expect(result.planned.INTAKE_POINT).toBe(12);
  expect(result.inserted).toBe(result.planned.CENTER + result.planned.BRANCH + result.planned.SUBCENTER + 12);
  const ofQinghai = () => h.tap.events(ServiceNodeOpened.type).filter((e) => e.province === '63');
  await eventually(() => expect(ofQinghai()).toHaveLength(result.inserted), { timeoutMs: 60_000 });
  expect(new Set(ofQinghai().map((e) => (e.data as { nodeId: string }).nodeId)).size).toBe(result.inserted);
  expect((await h.seed('63', 12)).inserted).toBe(0);
}, 90_000);
