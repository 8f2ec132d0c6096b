import { LearnerAccountFrozen, LearnerAccountUnfrozen, LearnerProfileUpdated } from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { eventually, tokens } from '@creditbank/testing';
import { OPEN, startAccount, type AccountHarness } from './harness';

let h: AccountHarness;
const node = 'sn-test-node-1';
const op = () => tokens.operator(node, '33', 'op-1');

beforeAll(async () => {
  h = await startAccount();
});

afterAll(async () => {
  await h?.stop();
});

let seq = 300;
const input = (overrides: Record<string, unknown> = {}) => ({
  idNumber: makeResidentId('330108', '1972-03-15', seq++),
  name: '周建国',
  phone: '13900001111',
  adminDivision: '330108',
  agreementVersion: '2026-01',
  householdId: 'hh-1',
  ...overrides,
});

async function open(overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await h.gql<{ openLearnerAccount: { learner: { accountNo: string } } }>(OPEN, { i: input(overrides) }, op());
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.openLearnerAccount.learner.accountNo;
}

describe('one person, one lifelong account', () => {
  it('20 concurrent openings of one ID number create exactly one account', async () => {
    const same = input();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => h.gql<{ openLearnerAccount: { learner: { accountNo: string } } }>(OPEN, { i: same }, op())),
    );
    const ok = results.filter((r) => !r.errors);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions?.['code'] === 'CONFLICT');
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    expect(
      await h.db.collection('learners').countDocuments({
        idHash: (await h.db.collection('learners').findOne({ _id: ok[0]!.data!.openLearnerAccount.learner.accountNo as never }))?.[
          'idHash'
        ],
      }),
    ).toBe(1);
    // The conflict names the province of the existing account, not the person or the account.
    expect(conflicts[0]!.errors![0]!.message).toMatch(/province 33/);
    expect(JSON.stringify(conflicts[0]!.errors)).not.toContain(ok[0]!.data!.openLearnerAccount.learner.accountNo);
  });

  it('account numbers carry the province and a valid check character, and are never reused', async () => {
    const a = await open();
    const b = await open();
    expect(a).toMatch(/^33\d{9}[\dX]$/);
    expect(Number(b.slice(2, 11))).toBeGreaterThan(Number(a.slice(2, 11)));
  });

  it('rejects invalid account numbers before any lookup', async () => {
    const r = await h.gql<{ learner: unknown }>(
      `query($n: ID!) { learner(accountNo: $n) { name } }`,
      { n: '330000000010' },
      tokens.centerAdmin(),
    );
    expect(r.data?.learner).toBeNull();
  });
});

describe('status machine and audit trail', () => {
  const STATUS = (m: string) =>
    `mutation($n: ID!, $r: String!) { ${m}(accountNo: $n, reason: $r) { status statusReason history { action by reason changes { field from to } } } }`;

  it('freezes and unfreezes with reasons, audited and published', async () => {
    const no = await open();
    const admin = tokens.centerAdmin('33');
    const frozen = await h.gql<{
      freezeLearnerAccount: { status: string; statusReason: string; history: Array<{ action: string; reason: string }> };
    }>(STATUS('freezeLearnerAccount'), { n: no, r: '疑似冒用身份' }, admin);
    expect(frozen.data?.freezeLearnerAccount).toMatchObject({ status: 'FROZEN', statusReason: '疑似冒用身份' });
    expect(frozen.data?.freezeLearnerAccount.history.map((e) => e.action)).toEqual(['OPENED', 'FROZEN']);
    const again = await h.gql(STATUS('freezeLearnerAccount'), { n: no, r: 'x' }, admin);
    expect(again.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const active = await h.gql<{ unfreezeLearnerAccount: { status: string } }>(
      STATUS('unfreezeLearnerAccount'),
      { n: no, r: '核实无误' },
      admin,
    );
    expect(active.data?.unfreezeLearnerAccount.status).toBe('ACTIVE');
    await eventually(() => {
      expect(h.tap.events(LearnerAccountFrozen.type).some((e) => (e.data as { accountNo: string }).accountNo === no)).toBe(true);
      expect(h.tap.events(LearnerAccountUnfrozen.type).some((e) => (e.data as { accountNo: string }).accountNo === no)).toBe(true);
    });
  });

  it('closes for good: a closed account cannot be reopened, unfrozen or changed', async () => {
    const no = await open();
    const admin = tokens.centerAdmin('33');
    expect((await h.gql(STATUS('closeLearnerAccount'), { n: no, r: '本人申请注销' }, admin)).errors).toBeUndefined();
    for (const m of ['unfreezeLearnerAccount', 'freezeLearnerAccount', 'closeLearnerAccount']) {
      expect((await h.gql(STATUS(m), { n: no, r: 'x' }, admin)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    const upd = await h.gql(
      `mutation($n: ID!) { updateLearnerProfile(accountNo: $n, input: { occupation: "x" }) { status } }`,
      { n: no },
      admin,
    );
    expect(upd.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('requires a reason', async () => {
    const no = await open();
    const r = await h.gql(STATUS('freezeLearnerAccount'), { n: no, r: '   ' }, tokens.centerAdmin());
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
  });
});

describe('profile updates', () => {
  const UPDATE = `mutation($n: ID!, $i: LearnerProfileInput!) { updateLearnerProfile(accountNo: $n, input: $i) { phoneMasked adminDivision householdId occupation educationLevel history { action by changes { field from to } } } }`;

  it('the learner updates their own profile; changes are audited with masked values and published', async () => {
    const no = await open();
    const r = await h.gql<{
      updateLearnerProfile: {
        phoneMasked: string;
        adminDivision: string;
        history: Array<{ action: string; by: string; changes: Array<{ field: string; from: string; to: string }> }>;
      };
    }>(
      UPDATE,
      { n: no, i: { phone: '13700002222', adminDivision: '330108001', occupation: '民宿经营', educationLevel: null } },
      tokens.learner(no),
    );
    expect(r.errors).toBeUndefined();
    const l = r.data!.updateLearnerProfile;
    expect(l).toMatchObject({ phoneMasked: '137****2222', adminDivision: '330108001' });
    const last = l.history[l.history.length - 1]!;
    expect(last).toMatchObject({ action: 'PROFILE_UPDATED', by: no });
    expect(last.changes).toEqual(
      expect.arrayContaining([
        { field: 'phone', from: '139****1111', to: '137****2222' },
        { field: 'adminDivision', from: '330108', to: '330108001' },
        { field: 'occupation', from: null, to: '民宿经营' },
      ]),
    );
    expect(JSON.stringify(l.history)).not.toContain('13700002222');
    await eventually(() => {
      const e = h.tap.events(LearnerProfileUpdated.type).find((x) => (x.data as { accountNo: string }).accountNo === no);
      expect(e?.data).toMatchObject({
        adminDivision: '330108001',
        occupation: '民宿经营',
        changed: expect.arrayContaining(['adminDivision', 'occupation']),
      });
      expect(JSON.stringify(e)).not.toContain('13700002222');
    });
  });

  it('refuses a division outside the province and another learner', async () => {
    const no = await open();
    const other = await open();
    expect((await h.gql(UPDATE, { n: no, i: { adminDivision: '440106' } }, tokens.learner(no))).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.adminDivision',
    });
    expect((await h.gql(UPDATE, { n: no, i: { occupation: 'x' } }, tokens.learner(other))).errors?.[0]?.extensions?.['code']).toBe(
      'NOT_FOUND',
    );
  });
});

describe('finding learners', () => {
  const LIST = `query($f: LearnerFilter, $first: Int, $after: String) { learners(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { accountNo adminDivision status } } } }`;

  it('lists by division prefix and status, paged with cursors', async () => {
    const mine = [
      await open({ adminDivision: '330109', idNumber: makeResidentId('330109', '1960-01-01', 1) }),
      await open({ adminDivision: '330109001', idNumber: makeResidentId('330109', '1960-01-01', 2) }),
      await open({ adminDivision: '330109002', idNumber: makeResidentId('330109', '1960-01-01', 3) }),
    ];
    const admin = tokens.centerAdmin('33');
    const page1 = await h.gql<{
      learners: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: Array<{ node: { accountNo: string } }>;
      };
    }>(LIST, { f: { divisionPrefix: '330109' }, first: 2 }, admin);
    expect(page1.data?.learners.totalCount).toBe(3);
    expect(page1.data?.learners.pageInfo.hasNextPage).toBe(true);
    const page2 = await h.gql<{ learners: { pageInfo: { hasNextPage: boolean }; edges: Array<{ node: { accountNo: string } }> } }>(
      LIST,
      { f: { divisionPrefix: '330109' }, first: 2, after: page1.data!.learners.pageInfo.endCursor },
      admin,
    );
    expect(page2.data?.learners.pageInfo.hasNextPage).toBe(false);
    expect([...page1.data!.learners.edges, ...page2.data!.learners.edges].map((e) => e.node.accountNo)).toEqual(mine);
    const frozenOnly = await h.gql<{ learners: { totalCount: number } }>(
      LIST,
      { f: { divisionPrefix: '330109', status: 'FROZEN' } },
      admin,
    );
    expect(frozenOnly.data?.learners.totalCount).toBe(0);
    expect((await h.gql(LIST, { f: { divisionPrefix: '33x' } }, admin)).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.divisionPrefix',
    });
    expect((await h.gql(LIST, { first: 1000 }, admin)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('finds an account by ID number through the keyed hash (operators and admins)', async () => {
    const id = makeResidentId('330108', '1950-10-10', 77);
    const no = await open({ idNumber: id });
    const q = `query($id: String!) { learnerByIdNumber(idNumber: $id) { accountNo } }`;
    expect(
      (await h.gql<{ learnerByIdNumber: { accountNo: string } }>(q, { id: id.toLowerCase() }, op())).data?.learnerByIdNumber.accountNo,
    ).toBe(no);
    expect((await h.gql<{ learnerByIdNumber: unknown }>(q, { id }, tokens.centerAdmin('44'))).data?.learnerByIdNumber).toBeNull();
    expect((await h.gql(q, { id }, tokens.learner(no))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(q, { id }, tokens.analyst())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
