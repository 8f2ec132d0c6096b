import { makeResidentId, makeUscc } from '@creditbank/identity';
import { rootOperations } from '@creditbank/server';
import { graphql, tokens } from '@creditbank/testing';
import { typeDefs } from '../src/main';
import { OPEN, startAccount, type AccountHarness } from './harness';

/**
 * Tenancy matrix: for every query and mutation of the account subgraph, a token of another province,
 * of another learner, or of a role without business there gets nothing and changes nothing — also
 * through `_entities` sent straight to the subgraph. The table must cover every operation.
 */
let h: AccountHarness;
const idNumber = makeResidentId('330106', '1969-07-07', 9);
const inst = makeUscc('330106', 8080);
let accountNo: string;
let otherLearner: string;
let staffId: string;

const foreign = {
  'centre admin of 44': () => tokens.centerAdmin('44'),
  'operator of 44': () => tokens.operator('sn-gd-1', '44'),
  'analyst of 44': () => tokens.analyst('44'),
};

async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const c of ['learners', 'institutions', 'staff_users']) {
    out[c] = (await h.db
      .collection(c)
      .find({}, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } })
      .sort({ _id: 1 })
      .toArray()) as unknown[];
  }
  return JSON.stringify(out);
}

beforeAll(async () => {
  h = await startAccount();
  const opened = await h.gql<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    OPEN,
    { i: { idNumber, name: '吴桂芳', phone: '13812345678', adminDivision: '330106', agreementVersion: '2026-01' } },
    tokens.operator('sn-1'),
  );
  accountNo = opened.data!.openLearnerAccount.learner.accountNo;
  const other = await h.gql<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    OPEN,
    { i: { idNumber: makeResidentId('330106', '1970-01-01', 10), name: '郑强', adminDivision: '330106', agreementVersion: '2026-01' } },
    tokens.operator('sn-1'),
  );
  otherLearner = other.data!.openLearnerAccount.learner.accountNo;
  await h.gql(
    `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }`,
    { i: { code: inst, name: '西湖职业学校', category: 'ACADEMIC', province: '33', adminDivision: '330106' } },
    tokens.centerAdmin(),
  );
  const staff = await h.gql<{ createStaffUser: { id: string } }>(
    `mutation { createStaffUser(input: { username: "zj-expert", password: "Expert-pass-2026", role: EXPERT, province: "33" }) { id } }`,
    {},
    tokens.centerAdmin(),
  );
  staffId = staff.data!.createStaffUser.id;
});

afterAll(async () => {
  await h?.stop();
});

type Case = {
  query: string;
  variables: () => Record<string, unknown>;
  nothing: (data: Record<string, unknown> | null | undefined) => boolean;
};
const nullField = (field: string) => (d: Record<string, unknown> | null | undefined) => !d || d[field] === null || d[field] === undefined;

const CASES: Record<string, Case> = {
  'Query.me': {
    query: `{ me { learner { name } staffUser { username } } }`,
    variables: () => ({}),
    nothing: (d) => JSON.stringify(d).indexOf('吴桂芳') < 0 && JSON.stringify(d).indexOf('zj-expert') < 0,
  },
  'Query.learner': {
    query: `query($n: ID!) { learner(accountNo: $n) { name } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullField('learner'),
  },
  'Query.learners': {
    query: `{ learners(filter: { divisionPrefix: "3301" }) { totalCount edges { node { name } } } }`,
    variables: () => ({}),
    nothing: (d) => !d || (d['learners'] as { totalCount: number }).totalCount === 0,
  },
  'Query.learnerByIdNumber': {
    query: `query($id: String!) { learnerByIdNumber(idNumber: $id) { name } }`,
    variables: () => ({ id: idNumber }),
    nothing: nullField('learnerByIdNumber'),
  },
  'Query.institution': {
    query: `query($c: ID!) { institution(code: $c) { name } }`,
    variables: () => ({ c: inst }),
    nothing: nullField('institution'),
  },
  'Query.institutions': {
    query: `{ institutions { totalCount edges { node { name } } } }`,
    variables: () => ({}),
    nothing: (d) => !d || (d['institutions'] as { totalCount: number }).totalCount === 0,
  },
  'Mutation.login': {
    query: `mutation { login(username: "nobody-here", password: "wrong-pass-1") { token } }`,
    variables: () => ({}),
    nothing: nullField('login'),
  },
  'Mutation.registerLearnerOnline': {
    // Another person's ID number with a foreign token: refused (identity already has an account), nothing stored.
    query: `mutation($id: String!) { registerLearnerOnline(input: { idNumber: $id, name: "吴桂芳", phone: "13812345678", password: "abc12345678", adminDivision: "440106" }) { accountNo } }`,
    variables: () => ({ id: idNumber }),
    nothing: nullField('registerLearnerOnline'),
  },
  'Mutation.openLearnerAccount': {
    query: `mutation { openLearnerAccount(input: { idNumber: "${makeResidentId('330106', '1980-02-02', 11)}", name: "x", adminDivision: "330106", agreementVersion: "1" }) { initialPassword } }`,
    variables: () => ({}),
    nothing: nullField('openLearnerAccount'),
  },
  'Mutation.updateLearnerProfile': {
    query: `mutation($n: ID!) { updateLearnerProfile(accountNo: $n, input: { occupation: "hacked" }) { occupation } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullField('updateLearnerProfile'),
  },
  'Mutation.freezeLearnerAccount': {
    query: `mutation($n: ID!) { freezeLearnerAccount(accountNo: $n, reason: "x") { status } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullField('freezeLearnerAccount'),
  },
  'Mutation.unfreezeLearnerAccount': {
    query: `mutation($n: ID!) { unfreezeLearnerAccount(accountNo: $n, reason: "x") { status } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullField('unfreezeLearnerAccount'),
  },
  'Mutation.closeLearnerAccount': {
    query: `mutation($n: ID!) { closeLearnerAccount(accountNo: $n, reason: "x") { status } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullField('closeLearnerAccount'),
  },
  'Mutation.registerInstitution': {
    query: `mutation { registerInstitution(input: { code: "${makeUscc('330106', 9090)}", name: "冒名学校", category: ACADEMIC, province: "33", adminDivision: "330106" }) { code } }`,
    variables: () => ({}),
    nothing: nullField('registerInstitution'),
  },
  'Mutation.updateInstitution': {
    query: `mutation($c: ID!) { updateInstitution(code: $c, input: { status: DEREGISTERED }) { status } }`,
    variables: () => ({ c: inst }),
    nothing: nullField('updateInstitution'),
  },
  'Mutation.createStaffUser': {
    query: `mutation { createStaffUser(input: { username: "intruder", password: "Intrude-pass-2026", role: ANALYST, province: "33" }) { id } }`,
    variables: () => ({}),
    nothing: nullField('createStaffUser'),
  },
};

it('covers every operation of the schema', () => {
  expect(Object.keys(CASES).sort()).toEqual(rootOperations(typeDefs).sort());
});

describe.each(Object.entries(foreign))('a token of another province (%s)', (_who, token) => {
  it.each(Object.keys(CASES))('%s gives nothing and changes nothing', async (op) => {
    const c = CASES[op]!;
    const before = await snapshot();
    const r = await h.gql(c.query, c.variables(), token());
    expect(c.nothing(r.data as Record<string, unknown> | null)).toBe(true);
    expect(JSON.stringify(r)).not.toContain('吴桂芳');
    expect(await snapshot()).toBe(before);
  });
});

describe('another learner of the same province', () => {
  it.each(Object.keys(CASES).filter((op) => !['Query.institution', 'Query.institutions'].includes(op)))(
    '%s gives nothing and changes nothing',
    async (op) => {
      const c = CASES[op]!;
      const before = await snapshot();
      const r = await h.gql(c.query, c.variables(), tokens.learner(otherLearner));
      expect(c.nothing(r.data as Record<string, unknown> | null)).toBe(true);
      expect(JSON.stringify(r)).not.toContain('吴桂芳');
      expect(await snapshot()).toBe(before);
    },
  );
});

describe('_entities sent straight to the subgraph', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { name idNumberMasked } ... on Institution { name } } }`;
  it.each([...Object.entries(foreign), ['another learner', () => tokens.learner(otherLearner)] as const, ['no token', () => '']])(
    '%s resolves another province’s learner to null',
    async (_who, token) => {
      const reps = [{ __typename: 'Learner', accountNo }];
      const r = await graphql<{ _entities: unknown[] }>(h.url, ENTITIES, { r: reps }, token() ? { token: token() } : {});
      expect(r.data?._entities).toEqual([null]);
    },
  );

  it.each(Object.entries(foreign))('%s resolves another province’s institution to null', async (_who, token) => {
    const r = await graphql<{ _entities: unknown[] }>(
      h.url,
      ENTITIES,
      { r: [{ __typename: 'Institution', code: inst }] },
      { token: token() },
    );
    expect(r.data?._entities).toEqual([null]);
  });

  it('resolves them for staff of the province', async () => {
    const r = await graphql<{ _entities: unknown[] }>(
      h.url,
      ENTITIES,
      {
        r: [
          { __typename: 'Learner', accountNo },
          { __typename: 'Institution', code: inst },
        ],
      },
      { token: tokens.centerAdmin('33') },
    );
    expect(r.data?._entities).toEqual([
      { name: '吴桂芳', idNumberMasked: expect.stringMatching(/^330106\*{8}/) as string },
      { name: '西湖职业学校' },
    ]);
  });
});

it('ignores a client-sent province in arguments and headers', async () => {
  const r = await graphql<{ learners: { totalCount: number } }>(
    h.url,
    `
      {
        learners(filter: { province: "33" }) {
          totalCount
        }
      }
    `,
    {},
    { token: tokens.centerAdmin('44'), headers: { 'x-province': '33' } },
  );
  expect(r.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  expect(staffId).toMatch(/^su-/);
});
