import { LearnerAccountOpened, StaffUserCreated } from '@creditbank/contracts';
import { rootOperations } from '@creditbank/server';
import { eventually, graphql, mintToken, tokens } from '@creditbank/testing';
import { typeDefs } from '../src/main';
import { OPEN, accountNo, startNetwork, type NetworkHarness } from './harness';

/**
 * Tenancy matrix: for every query and mutation of the intake-network subgraph, a token of another
 * province gets nothing that is not public and changes nothing — also through `_entities` sent
 * straight to the subgraph. Then authorization per role: every role of the node's province either
 * reaches the use-case (a probe at a missing target answers NOT_FOUND / BAD_USER_INPUT) or is refused
 * (FORBIDDEN / UNAUTHENTICATED) and changes nothing. Both tables must cover every operation.
 */
let h: NetworkHarness;
const world: Record<string, string> = {};
const LEARNER = accountNo('33', 8801);
const OTHER_LEARNER = accountNo('33', 8802);
const FOREIGN_LEARNER = accountNo('44', 8803);

async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const c of ['service_nodes', 'staff_members', 'learning_projects', 'intake_point_positions']) {
    out[c] = (await h.db
      .collection(c)
      .find({}, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } })
      .sort({ _id: 1 })
      .toArray()) as unknown[];
  }
  return JSON.stringify(out);
}

beforeAll(async () => {
  h = await startNetwork();
  const admin = tokens.centerAdmin('33');
  const open = async (alias: string, kind: string, adminDivision: string) => {
    const r = await h.gql<{ openServiceNode: { id: string } }>(
      OPEN,
      { i: { kind, name: `${alias}受理点`, adminDivision, location: { lat: 30.29, lng: 120.1 } } },
      admin,
    );
    world[alias] = r.data!.openServiceNode.id;
  };
  await open('centre', 'CENTER', '330000');
  await open('point', 'INTAKE_POINT', '330106013');
  await open('suspended', 'INTAKE_POINT', '330106002');
  await open('closed', 'INTAKE_POINT', '330106005');
  await h.gql(`mutation($id: ID!) { suspendServiceNode(id: $id, reason: "维修") { id } }`, { id: world['suspended'] }, admin);
  await h.gql(`mutation($id: ID!) { closeServiceNode(id: $id, reason: "撤并") { id } }`, { id: world['closed'] }, admin);
  for (const [no, province] of [
    [LEARNER, '33'],
    [OTHER_LEARNER, '33'],
    [FOREIGN_LEARNER, '44'],
  ] as const) {
    await h.publishEvent(
      LearnerAccountOpened,
      {
        ...LearnerAccountOpened.example,
        accountNo: no,
        province,
        adminDivision: `${province}0106`,
        nodeId: world['point']!,
        status: 'ACTIVE',
      },
      { province },
    );
  }
  for (const userId of ['su-op-a', 'su-op-b']) {
    await h.publishEvent(StaffUserCreated, {
      userId,
      role: 'INTAKE_OPERATOR',
      province: '33',
      requestedNodeId: userId === 'su-op-a' ? world['point']! : null,
      institutionCode: null,
      createdAt: new Date().toISOString(),
    });
  }
  await eventually(async () => {
    expect(await h.db.collection('learners').countDocuments()).toBe(3);
    expect(await h.db.collection('staff_members').countDocuments({ nodeId: world['point'] })).toBe(1);
    expect(await h.db.collection('staff_members').countDocuments()).toBe(2);
  });
  const project = await h.gql<{ publishLearningProject: { id: string } }>(
    `mutation($i: LearningProjectInput!) { publishLearningProject(input: $i) { id } }`,
    { i: { nodeId: world['point'], title: '茶艺培训班', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 10 } },
    admin,
  );
  world['project'] = project.data!.publishLearningProject.id;
  await h.gql(
    `mutation($p: ID!, $a: ID!) { enrolInLearningProject(projectId: $p, accountNo: $a) { id } }`,
    { p: world['project'], a: LEARNER },
    tokens.learner(LEARNER),
  );
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

type Data = Record<string, unknown> | null | undefined;
type Case = { query: string; variables: () => Record<string, unknown>; nothing: (data: Data) => boolean };

const nullField = (field: string) => (d: Data) => !d || d[field] === null || d[field] === undefined;
/** Public node fields may show; history and operators (and enrolments) never to another province. */
const noInternals = (d: Data) => {
  const json = JSON.stringify(d ?? {});
  return !json.includes('"action"') && !json.includes('su-op-') && !json.includes(LEARNER);
};
const INTERNALS = `history { action } operators { userId }`;

const CASES: Record<string, Case> = {
  'Query.serviceNode': {
    query: `query($id: ID!) { serviceNode(id: $id) { name ${INTERNALS} children { ${INTERNALS} } } }`,
    variables: () => ({ id: world['centre'] }),
    nothing: noInternals,
  },
  'Query.serviceNodes': {
    query: `{ serviceNodes(filter: { province: "33" }) { totalCount edges { node { name ${INTERNALS} } } } }`,
    variables: () => ({}),
    nothing: noInternals,
  },
  'Query.nearestIntakePoints': {
    query: `{ nearestIntakePoints(lat: 30.29, lng: 120.1, limit: 5) { id ${INTERNALS} } }`,
    variables: () => ({}),
    nothing: noInternals,
  },
  'Query.learningProject': {
    query: `query($id: ID!) { learningProject(id: $id) { title enrolledAccountNos } }`,
    variables: () => ({ id: world['project'] }),
    nothing: nullField('learningProject'),
  },
  'Query.learningProjects': {
    query: `{ learningProjects { totalCount edges { node { title } } } }`,
    variables: () => ({}),
    nothing: (d) => !d || (d['learningProjects'] as { totalCount: number }).totalCount === 0,
  },
  'Mutation.openServiceNode': {
    query: `mutation { openServiceNode(input: { kind: INTAKE_POINT, name: "冒名受理点", adminDivision: "330106004" }) { id } }`,
    variables: () => ({}),
    nothing: nullField('openServiceNode'),
  },
  'Mutation.updateServiceNode': {
    query: `mutation($id: ID!) { updateServiceNode(id: $id, input: { address: "hacked" }) { address } }`,
    variables: () => ({ id: world['point'] }),
    nothing: nullField('updateServiceNode'),
  },
  'Mutation.suspendServiceNode': {
    query: `mutation($id: ID!) { suspendServiceNode(id: $id, reason: "x") { status } }`,
    variables: () => ({ id: world['point'] }),
    nothing: nullField('suspendServiceNode'),
  },
  'Mutation.resumeServiceNode': {
    query: `mutation($id: ID!) { resumeServiceNode(id: $id, reason: "x") { status } }`,
    variables: () => ({ id: world['suspended'] }),
    nothing: nullField('resumeServiceNode'),
  },
  'Mutation.closeServiceNode': {
    query: `mutation($id: ID!) { closeServiceNode(id: $id, reason: "x") { status } }`,
    variables: () => ({ id: world['point'] }),
    nothing: nullField('closeServiceNode'),
  },
  'Mutation.reopenServiceNode': {
    query: `mutation($id: ID!) { reopenServiceNode(id: $id, reason: "x") { status } }`,
    variables: () => ({ id: world['closed'] }),
    nothing: nullField('reopenServiceNode'),
  },
  'Mutation.assignOperator': {
    query: `mutation($n: ID!) { assignOperator(nodeId: $n, userId: "su-op-b") { id } }`,
    variables: () => ({ n: world['point'] }),
    nothing: nullField('assignOperator'),
  },
  'Mutation.unassignOperator': {
    query: `mutation($n: ID!) { unassignOperator(nodeId: $n, userId: "su-op-a") { id } }`,
    variables: () => ({ n: world['point'] }),
    nothing: nullField('unassignOperator'),
  },
  'Mutation.publishLearningProject': {
    query: `mutation($n: ID!) { publishLearningProject(input: { nodeId: $n, title: "冒名项目", startsAt: "2030-01-01T00:00:00Z", capacity: 5 }) { id } }`,
    variables: () => ({ n: world['point'] }),
    nothing: nullField('publishLearningProject'),
  },
  'Mutation.cancelLearningProject': {
    query: `mutation($p: ID!) { cancelLearningProject(id: $p, reason: "x") { status } }`,
    variables: () => ({ p: world['project'] }),
    nothing: nullField('cancelLearningProject'),
  },
  'Mutation.enrolInLearningProject': {
    query: `mutation($p: ID!, $a: ID!) { enrolInLearningProject(projectId: $p, accountNo: $a) { enrolledCount } }`,
    variables: () => ({ p: world['project'], a: OTHER_LEARNER }),
    nothing: nullField('enrolInLearningProject'),
  },
  'Mutation.cancelEnrolment': {
    query: `mutation($p: ID!, $a: ID!) { cancelEnrolment(projectId: $p, accountNo: $a) { enrolledCount } }`,
    variables: () => ({ p: world['project'], a: LEARNER }),
    nothing: nullField('cancelEnrolment'),
  },
};

const foreign = {
  'centre admin of 44': () => tokens.centerAdmin('44'),
  'operator of 44': () => tokens.operator('sn-gd-1', '44'),
  'analyst of 44': () => tokens.analyst('44'),
  'learner of 44': () => tokens.learner(FOREIGN_LEARNER),
};

it('covers every operation of the schema', () => {
  expect(Object.keys(CASES).sort()).toEqual(rootOperations(typeDefs).sort());
  expect(Object.keys(ROLE_RULES).sort()).toEqual(rootOperations(typeDefs).sort());
});

describe.each(Object.entries(foreign))('a token of another province (%s)', (_who, token) => {
  it.each(Object.keys(CASES))('%s gives nothing and changes nothing', async (op) => {
    const c = CASES[op]!;
    const before = await snapshot();
    const r = await h.gql(c.query, c.variables(), token());
    expect(c.nothing(r.data as Data)).toBe(true);
    expect(JSON.stringify(r)).not.toContain(LEARNER);
    expect(await snapshot()).toBe(before);
  });
});

describe('another learner of the same province', () => {
  it.each(Object.keys(CASES).filter((op) => op.startsWith('Mutation.')))('%s changes nothing', async (op) => {
    const c = CASES[op]!;
    const before = await snapshot();
    // Enrolling someone else (LEARNER holds a seat already; OTHER_LEARNER would be enrolling themself).
    const variables = op === 'Mutation.enrolInLearningProject' ? { p: world['project'], a: accountNo('33', 8804) } : c.variables();
    const r = await h.gql(c.query, variables, tokens.learner(OTHER_LEARNER));
    expect(c.nothing(r.data as Data)).toBe(true);
    expect(await snapshot()).toBe(before);
  });
});

describe('_entities sent straight to the subgraph', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on ServiceNode { id name history { action } operators { userId } }
    ... on LearningProject { title enrolledAccountNos }
    ... on Learner { openedAtNode { id } } } }`;
  const reps = () => [
    { __typename: 'ServiceNode', id: world['point'] },
    { __typename: 'LearningProject', id: world['project'] },
    { __typename: 'Learner', accountNo: LEARNER },
  ];

  it.each([...Object.entries(foreign), ['no token', () => '']] as Array<[string, () => string]>)(
    '%s sees the public node only: no internals, no project, no learner’s origin',
    async (_who, token) => {
      const r = await graphql<{ _entities: unknown[] }>(h.url, ENTITIES, { r: reps() }, token() ? { token: token() } : {});
      expect(r.data?._entities).toEqual([
        { id: world['point'], name: 'point受理点', history: [], operators: [] },
        null,
        { openedAtNode: null },
      ]);
    },
  );

  it('resolves them all for the province’s centre admin', async () => {
    const r = await graphql<{ _entities: Array<Record<string, unknown>> }>(
      h.url,
      ENTITIES,
      { r: reps() },
      { token: tokens.centerAdmin('33') },
    );
    expect(r.data?._entities).toEqual([
      { id: world['point'], name: 'point受理点', history: [{ action: 'OPENED' }], operators: [{ userId: 'su-op-a' }] },
      { title: '茶艺培训班', enrolledAccountNos: [LEARNER] },
      { openedAtNode: { id: world['point'] } },
    ]);
  });
});

it('ignores a client-sent province in arguments and headers', async () => {
  const r = await graphql(
    h.url,
    `
      {
        learningProjects(filter: { province: "33" }) {
          totalCount
        }
      }
    `,
    {},
    {
      token: tokens.centerAdmin('44'),
      headers: { 'x-province': '33' },
    },
  );
  expect(r.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
});

// ---- authorization per role -----------------------------------------------------------------

type RoleKey = 'anonymous' | 'learner' | 'operator' | 'institution' | 'expert' | 'partner' | 'analyst' | 'centre' | 'platform';
const ROLE_TOKENS: Record<RoleKey, () => string> = {
  anonymous: () => '',
  learner: () => tokens.learner(LEARNER),
  operator: () => tokens.operator(world['point']!),
  institution: () => tokens.institutionAdmin('91330106MA2B3C4D5E'),
  expert: () => tokens.expert(),
  partner: () => tokens.universityPartner('91330106MA2B3C4D5E'),
  analyst: () => tokens.analyst(),
  centre: () => tokens.centerAdmin('33'),
  platform: () => mintToken({ role: 'PLATFORM_ADMIN', province: '33', sub: 'su-platform' }),
};
const EVERYONE: RoleKey[] = Object.keys(ROLE_TOKENS) as RoleKey[];
const SIGNED_IN = EVERYONE.filter((r) => r !== 'anonymous');
const ADMINS: RoleKey[] = ['centre', 'platform'];

/**
 * Who may call what, and a probe at a missing target: allowed roles get past the policy to the
 * use-case (which answers `reached`); the others are refused before anything is looked up.
 */
const ROLE_RULES: Record<
  string,
  { allowed: RoleKey[]; probe: string; variables?: (role: RoleKey) => Record<string, unknown>; reached: string | null }
> = {
  'Query.serviceNode': { allowed: EVERYONE, probe: `{ serviceNode(id: "sn-missing") { id } }`, reached: null },
  'Query.serviceNodes': { allowed: EVERYONE, probe: `{ serviceNodes(filter: { kind: CENTER }) { totalCount } }`, reached: null },
  'Query.nearestIntakePoints': { allowed: EVERYONE, probe: `{ nearestIntakePoints(lat: 30, lng: 120, limit: 1) { id } }`, reached: null },
  'Query.learningProject': { allowed: SIGNED_IN, probe: `{ learningProject(id: "lp-missing") { id } }`, reached: null },
  'Query.learningProjects': { allowed: SIGNED_IN, probe: `{ learningProjects { totalCount } }`, reached: null },
  'Mutation.openServiceNode': {
    allowed: ADMINS,
    probe: `mutation { openServiceNode(input: { kind: INTAKE_POINT, name: "探针", adminDivision: "330106999" }) { id } }`,
    reached: 'BAD_USER_INPUT',
  },
  'Mutation.updateServiceNode': {
    allowed: [...ADMINS, 'operator'],
    probe: `mutation { updateServiceNode(id: "sn-missing", input: { address: "x" }) { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.suspendServiceNode': {
    allowed: ADMINS,
    probe: `mutation { suspendServiceNode(id: "sn-missing", reason: "x") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.resumeServiceNode': {
    allowed: ADMINS,
    probe: `mutation { resumeServiceNode(id: "sn-missing", reason: "x") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.closeServiceNode': {
    allowed: ADMINS,
    probe: `mutation { closeServiceNode(id: "sn-missing", reason: "x") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.reopenServiceNode': {
    allowed: ADMINS,
    probe: `mutation { reopenServiceNode(id: "sn-missing", reason: "x") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.assignOperator': {
    allowed: ADMINS,
    probe: `mutation { assignOperator(nodeId: "sn-missing", userId: "su-op-b") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.unassignOperator': {
    allowed: ADMINS,
    probe: `mutation { unassignOperator(nodeId: "sn-missing", userId: "su-op-a") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.publishLearningProject': {
    allowed: [...ADMINS, 'operator'],
    probe: `mutation { publishLearningProject(input: { nodeId: "sn-missing", title: "探针", startsAt: "2030-01-01T00:00:00Z", capacity: 5 }) { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.cancelLearningProject': {
    allowed: [...ADMINS, 'operator'],
    probe: `mutation { cancelLearningProject(id: "lp-missing", reason: "x") { id } }`,
    reached: 'NOT_FOUND',
  },
  'Mutation.enrolInLearningProject': {
    allowed: [...ADMINS, 'operator', 'learner'],
    probe: `mutation($a: ID!) { enrolInLearningProject(projectId: "lp-missing", accountNo: $a) { id } }`,
    variables: () => ({ a: LEARNER }),
    reached: 'NOT_FOUND',
  },
  'Mutation.cancelEnrolment': {
    allowed: [...ADMINS, 'operator', 'learner'],
    probe: `mutation($a: ID!) { cancelEnrolment(projectId: "lp-missing", accountNo: $a) { id } }`,
    variables: () => ({ a: LEARNER }),
    reached: 'NOT_FOUND',
  },
};

const pairs = Object.entries(ROLE_RULES).flatMap(([op, rule]) => EVERYONE.map((role) => [op, role, rule.allowed.includes(role)] as const));

describe('authorization per role (province 33)', () => {
  it.each(pairs)('%s as %s: allowed=%s', async (op, role, allowed) => {
    const rule = ROLE_RULES[op]!;
    const before = await snapshot();
    const token = ROLE_TOKENS[role]();
    const r = await graphql(h.url, rule.probe, rule.variables?.(role) ?? {}, token ? { token } : {});
    const code = r.errors?.[0]?.extensions?.['code'] ?? null;
    if (allowed) expect(code).toBe(rule.reached);
    else expect(code).toBe(role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    expect(await snapshot()).toBe(before);
  });
});
