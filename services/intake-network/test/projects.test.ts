import {
  CatalogItemPublished,
  CatalogItemRetired,
  LearnerAccountFrozen,
  LearnerAccountOpened,
  LearningProjectEnrolled,
  LearningProjectEnrolmentCancelled,
  LearningProjectPublished,
} from '@creditbank/contracts';
import { eventually, tokens } from '@creditbank/testing';
import { OPEN, accountNo, startNetwork, type NetworkHarness } from './harness';

/**
 * Local learning projects: published by sub-centres and intake points (catalogue codes checked
 * against the standards service's events), listed per province, and enrolled in without ever
 * exceeding capacity, however many enrol at once.
 */
let h: NetworkHarness;
const admin = () => tokens.centerAdmin('33');
const node: Record<string, string> = {};
const LEARNERS = Array.from({ length: 24 }, (_, i) => accountNo('33', 7000 + i));
const FROZEN = accountNo('33', 7100);
const UNKNOWN = accountNo('33', 7200);
const GD = accountNo('44', 7300);
const PUBLISH = `mutation($i: LearningProjectInput!) { publishLearningProject(input: $i) { id title capacity enrolledCount seatsLeft status catalogItem { code } node { id } } }`;
const ENROL = `mutation($p: ID!, $a: ID!) { enrolInLearningProject(projectId: $p, accountNo: $a) { enrolledCount seatsLeft enrolledByMe } }`;
const CANCEL = `mutation($p: ID!, $a: ID!) { cancelEnrolment(projectId: $p, accountNo: $a) { enrolledCount seatsLeft } }`;
const errorOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions;
const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function openNode(alias: string, kind: string, adminDivision: string) {
  const r = await h.gql<{ openServiceNode: { id: string } }>(OPEN, { i: { kind, name: `${alias}节点`, adminDivision } }, admin());
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  node[alias] = r.data!.openServiceNode.id;
}

async function publish(input: Record<string, unknown>, token = admin()) {
  return h.gql<{ publishLearningProject: { id: string; seatsLeft: number } }>(
    PUBLISH,
    { i: { nodeId: node['wenxin'], title: '西湖龙井茶炒制技艺培训班', startsAt: soon(10), endsAt: soon(14), capacity: 30, ...input } },
    token,
  );
}

beforeAll(async () => {
  h = await startNetwork();
  await openNode('centre', 'CENTER', '330000');
  await openNode('xihu', 'SUBCENTER', '330106');
  await openNode('wenxin', 'INTAKE_POINT', '330106013');
  await openNode('beishan', 'INTAKE_POINT', '330106002');
  const opened = (no: string, province = '33') =>
    h.publishEvent(
      LearnerAccountOpened,
      {
        ...LearnerAccountOpened.example,
        accountNo: no,
        province,
        adminDivision: `${province}0106`,
        status: 'ACTIVE',
        nodeId: null,
        channel: 'ONLINE',
      },
      { province },
    );
  for (const no of [...LEARNERS, FROZEN]) await opened(no);
  await opened(GD, '44');
  await h.publishEvent(LearnerAccountFrozen, {
    accountNo: FROZEN,
    province: '33',
    status: 'FROZEN',
    previousStatus: 'ACTIVE',
    reason: '本人申请',
    by: 'su-admin',
    at: new Date(Date.now() + 1000).toISOString(),
  });
  const catalog = (code: string, scope: 'NATIONAL' | 'PROVINCIAL', province: string | null) =>
    h.publishEvent(
      CatalogItemPublished,
      { ...CatalogItemPublished.example, code, scope, province, version: 1, supersedesVersion: null },
      { province: province ?? '10', source: '/creditbank/standards' },
    );
  await catalog('VSC-TEA-G4', 'NATIONAL', null);
  await catalog('33-ZJ-TEA101', 'PROVINCIAL', '33');
  await catalog('44-GD-TEA101', 'PROVINCIAL', '44');
  await catalog('VSC-OLD-G1', 'NATIONAL', null);
  await h.publishEvent(
    CatalogItemRetired,
    {
      code: 'VSC-OLD-G1',
      version: 1,
      scope: 'NATIONAL',
      province: null,
      reason: '停止认定',
      retiredAt: new Date().toISOString(),
      retiredBy: 'su-p',
    },
    { province: '10', source: '/creditbank/standards' },
  );
  await eventually(async () => {
    expect(await h.db.collection('learners').countDocuments({ status: 'ACTIVE' })).toBe(LEARNERS.length + 1);
    expect(await h.db.collection('learners').countDocuments({ status: 'FROZEN' })).toBe(1);
    expect(await h.db.collection('catalog_items').countDocuments({ status: 'RETIRED' })).toBe(1);
    expect(await h.db.collection('catalog_items').countDocuments()).toBe(4);
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('publishing', () => {
  it('publishes at an intake point with a published catalogue item, and says so on Kafka', async () => {
    const r = await publish({ catalogItemCode: 'VSC-TEA-G4', venue: '文新街道成人文化技术学校', description: '茶农技能提升' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.publishLearningProject).toMatchObject({
      capacity: 30,
      enrolledCount: 0,
      seatsLeft: 30,
      status: 'PUBLISHED',
      catalogItem: { code: 'VSC-TEA-G4' },
      node: { id: node['wenxin'] },
    });
    const id = r.data!.publishLearningProject.id;
    await eventually(() =>
      expect(h.tap.events(LearningProjectPublished.type).map((e) => e.data)).toContainEqual(
        expect.objectContaining({
          projectId: id,
          nodeId: node['wenxin'],
          adminDivision: '330106013',
          catalogItemCode: 'VSC-TEA-G4',
          capacity: 30,
        }),
      ),
    );
    expect((await publish({ nodeId: node['xihu'], catalogItemCode: '33-ZJ-TEA101' })).errors).toBeUndefined();
  });

  it.each([
    ['a centre (only sub-centres and intake points publish)', () => ({ nodeId: node['centre'] }), 'input.nodeId'],
    ['no seats', () => ({ capacity: 0 }), 'input.capacity'],
    ['too many seats', () => ({ capacity: 1001 }), 'input.capacity'],
    ['a start in the past', () => ({ startsAt: '2020-01-01T00:00:00Z' }), 'input.startsAt'],
    ['an end before the start', () => ({ endsAt: soon(5) }), 'input.endsAt'],
    ['a date without a zone', () => ({ startsAt: '2030-01-01T10:00:00' }), 'input.startsAt'],
    ['an empty title', () => ({ title: ' ' }), 'input.title'],
    ['an unknown catalogue item', () => ({ catalogItemCode: 'VSC-NONE-G1' }), 'input.catalogItemCode'],
    ['a retired catalogue item', () => ({ catalogItemCode: 'VSC-OLD-G1' }), 'input.catalogItemCode'],
    ['another province’s catalogue item', () => ({ catalogItemCode: '44-GD-TEA101' }), 'input.catalogItemCode'],
  ])('refuses %s', async (_what, patch, field) => {
    const r = await publish(patch());
    expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('lets the node’s operators (and those above) publish, nobody else', async () => {
    expect((await publish({}, tokens.operator(node['wenxin']!))).errors).toBeUndefined();
    expect((await publish({}, tokens.operator(node['xihu']!))).errors).toBeUndefined();
    expect(errorOf(await publish({}, tokens.operator(node['beishan']!)))?.['code']).toBe('FORBIDDEN');
    expect(errorOf(await publish({}, tokens.centerAdmin('44')))?.['code']).toBe('NOT_FOUND');
    expect(errorOf(await publish({}, tokens.learner(LEARNERS[0]!)))?.['code']).toBe('FORBIDDEN');
  });

  it('lists the province’s projects with filters; other provinces see none', async () => {
    const Q = `query($f: LearningProjectFilter) { learningProjects(filter: $f) { totalCount edges { node { title node { id } } } } }`;
    const all = await h.gql<{ learningProjects: { totalCount: number } }>(Q, {}, tokens.learner(LEARNERS[0]!));
    expect(all.data!.learningProjects.totalCount).toBe(4);
    const atXihu = await h.gql<{ learningProjects: { totalCount: number } }>(Q, { f: { nodeId: node['xihu'] } }, admin());
    expect(atXihu.data!.learningProjects.totalCount).toBe(1);
    const within = await h.gql<{ learningProjects: { totalCount: number } }>(Q, { f: { withinNodeId: node['xihu'] } }, admin());
    expect(within.data!.learningProjects.totalCount).toBe(4);
    const byCode = await h.gql<{ learningProjects: { totalCount: number } }>(Q, { f: { catalogItemCode: 'VSC-TEA-G4' } }, admin());
    expect(byCode.data!.learningProjects.totalCount).toBe(1);
    expect(
      (await h.gql<{ learningProjects: { totalCount: number } }>(Q, {}, tokens.centerAdmin('44'))).data!.learningProjects.totalCount,
    ).toBe(0);
    expect(errorOf(await h.gql(Q, { f: { province: '33' } }, tokens.centerAdmin('44')))?.['code']).toBe('FORBIDDEN');
    expect(errorOf(await h.gql(Q, {}))?.['code']).toBe('UNAUTHENTICATED');
  });
});

describe('enrolment', () => {
  it('never exceeds capacity, however many enrol at once', async () => {
    const project = (await publish({ title: '农村电商直播培训', capacity: 5 })).data!.publishLearningProject.id;
    const results = await Promise.all(
      LEARNERS.slice(0, 20).map((no) => h.gql(ENROL, { p: project, a: no }, tokens.operator(node['wenxin']!))),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(5);
    expect(results.filter((r) => errorOf(r)?.['code'] === 'CONFLICT')).toHaveLength(15);
    const doc = await h.db.collection('learning_projects').findOne({ _id: project as never });
    expect(doc).toMatchObject({ seatsLeft: 0, capacity: 5 });
    expect(new Set(doc!['enrolled'] as string[]).size).toBe(5);
    await eventually(() =>
      expect(
        h.tap.events(LearningProjectEnrolled.type).filter((e) => (e.data as { projectId: string }).projectId === project),
      ).toHaveLength(5),
    );

    // A seat given back is taken by the next learner; the event is keyed by the learner.
    const holder = (doc!['enrolled'] as string[])[0]!;
    expect((await h.gql(CANCEL, { p: project, a: holder }, tokens.learner(holder))).data).toEqual({
      cancelEnrolment: { enrolledCount: 4, seatsLeft: 1 },
    });
    const waiting = LEARNERS.slice(0, 20).find((no) => !(doc!['enrolled'] as string[]).includes(no))!;
    expect((await h.gql(ENROL, { p: project, a: waiting }, tokens.learner(waiting))).data).toEqual({
      enrolInLearningProject: { enrolledCount: 5, seatsLeft: 0, enrolledByMe: true },
    });
    await eventually(() =>
      expect(h.tap.messages.filter((m) => m.event?.type === LearningProjectEnrolmentCancelled.type).map((m) => m.key)).toEqual([holder]),
    );
  });

  it('gives one learner one seat, even when they press the button ten times at once', async () => {
    const project = (await publish({ title: '老年智能手机使用', capacity: 3 })).data!.publishLearningProject.id;
    const me = LEARNERS[21]!;
    const results = await Promise.all(Array.from({ length: 10 }, () => h.gql(ENROL, { p: project, a: me }, tokens.learner(me))));
    expect(results.every((r) => !r.errors)).toBe(true);
    const doc = await h.db.collection('learning_projects').findOne({ _id: project as never });
    expect(doc).toMatchObject({ enrolled: [me], seatsLeft: 2 });
  });

  it.each([
    ['another learner’s account', () => tokens.learner(LEARNERS[1]!), LEARNERS[2]!, 'NOT_FOUND'],
    ['a frozen account', () => tokens.operator(node['wenxin']!), FROZEN, 'CONFLICT'],
    ['an account the network has not heard of', () => tokens.operator(node['wenxin']!), UNKNOWN, 'NOT_FOUND'],
    ['another province’s learner', () => tokens.learner(GD), GD, 'NOT_FOUND'],
    ['an operator of another province', () => tokens.operator('sn-gd', '44'), LEARNERS[3]!, 'NOT_FOUND'],
    ['an institution admin', () => tokens.institutionAdmin('91330106MA2B3C4D5E'), LEARNERS[3]!, 'FORBIDDEN'],
  ])('refuses enrolment of %s', async (_what, token, learner, code) => {
    const project = (await publish({ title: '家庭教育讲座', capacity: 10 })).data!.publishLearningProject.id;
    expect(errorOf(await h.gql(ENROL, { p: project, a: learner }, token()))?.['code']).toBe(code);
    const doc = await h.db.collection('learning_projects').findOne({ _id: project as never });
    expect(doc?.['enrolled']).toEqual([]);
  });

  it('takes no enrolments once a project is cancelled', async () => {
    const project = (await publish({ title: '电动车维修', capacity: 10 })).data!.publishLearningProject.id;
    const cancelled = await h.gql(
      `mutation($id: ID!) { cancelLearningProject(id: $id, reason: "教师无法到场") { status statusReason } }`,
      { id: project },
      tokens.operator(node['wenxin']!),
    );
    expect(cancelled.data).toEqual({ cancelLearningProject: { status: 'CANCELLED', statusReason: '教师无法到场' } });
    expect(errorOf(await h.gql(ENROL, { p: project, a: LEARNERS[4] }, tokens.learner(LEARNERS[4]!)))?.['code']).toBe('CONFLICT');
  });
});
