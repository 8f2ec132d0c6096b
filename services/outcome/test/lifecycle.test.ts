import {
  LearnerIdentityVerified,
  OutcomeClaimed,
  OutcomeDeposited,
  OutcomeRecognized,
  OutcomeRevoked,
  TOPICS,
  createEvent,
} from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { eventually, publishRaw, tokens } from '@creditbank/testing';
import {
  IMPORT,
  INSTITUTION,
  accountOpened,
  accredited,
  institution,
  item,
  standard,
  startOutcome,
  outcomesOf,
  type OutcomeHarness,
} from './harness';

let h: OutcomeHarness;
let n = 500;
const person = () => makeResidentId('330108', `1968-0${(n % 9) + 1}-2${n % 10}`, n++ % 1000);
const row = (idNumber: string, overrides: Record<string, unknown> = {}) => ({
  externalRef: `lc-${n++}`,
  idNumber,
  name: '陈建华',
  type: 'VOCATIONAL',
  catalogItemCode: 'VSC-ELEC-G4',
  title: '电工（四级）',
  achievedAt: '2026-05-20',
  ...overrides,
});
const admin = () => tokens.institutionAdmin(INSTITUTION, '33');
beforeAll(async () => {
  h = await startOutcome();
  await h.feed([
    item('VSC-ELEC-G4'),
    item('CE-TEA-101', { type: 'NON_ACADEMIC', subtype: 'COMMUNITY_EDUCATION', level: null, track: null, hours: 36 }),
    standard(1),
    institution(),
    accredited(),
  ]);
});

afterAll(async () => {
  await h?.stop();
});

describe('unclaimed outcomes', () => {
  it('are attached and recognised when the person’s account opens, exactly once even if the event comes twice', async () => {
    const id = person();
    const r = await h.gql<{ importOutcomes: { id: string; accepted: number } }>(
      IMPORT,
      { ref: 'uc-1', rows: [row(id), row(id, { catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', hours: 54 })] },
      admin(),
    );
    expect(r.data!.importOutcomes.accepted).toBe(2);
    expect(await h.db.collection('outcomes').countDocuments({ idHash: h.hashOf(id), status: 'UNCLAIMED' })).toBe(2);
    const opened = accountOpened(h.hashOf(id));
    await h.feed([opened]);
    // Deliver the very same event again (a redelivery): nothing more happens.
    await publishRaw(h.ns.topicPrefix + TOPICS.account, [{ key: opened.key, value: JSON.stringify(opened.event) }]);
    const accountNo = opened.event.data.accountNo;
    await eventually(async () =>
      expect((await outcomesOf(h, accountNo)).map((o) => o.status).sort()).toEqual(['RECOGNIZED', 'RECOGNIZED']),
    );
    const credits = (await outcomesOf(h, accountNo)).map((o) => o.recognizedCredits).sort();
    expect(credits).toEqual([3, 6]); // 54 h / 18 = 3; the level-2 certificate 6
    await eventually(() =>
      expect(h.tap.events(OutcomeClaimed.type).filter((e) => (e.data as { accountNo: string }).accountNo === accountNo)).toHaveLength(2),
    );
    await new Promise((res) => setTimeout(res, 800));
    expect(h.tap.events(OutcomeClaimed.type).filter((e) => (e.data as { accountNo: string }).accountNo === accountNo)).toHaveLength(2);
    expect(h.tap.events(OutcomeRecognized.type).filter((e) => (e.data as { accountNo: string }).accountNo === accountNo)).toHaveLength(2);
  });

  it('wait for a pending online account until its identity is verified', async () => {
    const id = person();
    await h.gql(IMPORT, { ref: 'uc-2', rows: [row(id)] }, admin());
    const pending = accountOpened(h.hashOf(id), { status: 'PENDING_VERIFICATION', channel: 'ONLINE', nodeId: null });
    await h.feed([pending]);
    expect(await h.db.collection('outcomes').countDocuments({ idHash: h.hashOf(id), status: 'UNCLAIMED' })).toBe(1);
    const d = pending.event.data;
    const verified = createEvent(
      LearnerIdentityVerified,
      {
        accountNo: d.accountNo,
        province: d.province,
        adminDivision: d.adminDivision,
        gender: d.gender,
        birthYear: d.birthYear,
        householdId: null,
        channel: 'ONLINE',
        nodeId: null,
        idHash: d.idHash,
        verifiedAt: new Date().toISOString(),
      },
      { province: '33', source: '/creditbank/account' },
    );
    await h.feed([verified]);
    await eventually(async () => expect((await outcomesOf(h, d.accountNo)).map((o) => o.status)).toEqual(['RECOGNIZED']));
  });
});

describe('deposits at an intake point and by learners, and review', () => {
  const DEPOSIT = `mutation($i: DepositOutcomeInput!) { depositOutcome(input: $i) { id status source recognizedCredits statusReason } }`;
  const REVIEW = `mutation($id: ID!, $d: ReviewDecision!, $note: String) { reviewOutcome(id: $id, decision: $d, note: $note) { id status recognizedCredits statusReason } }`;
  let accountNo: string;

  beforeAll(async () => {
    const opened = accountOpened(h.hashOf(person()));
    await h.feed([opened]);
    accountNo = opened.event.data.accountNo;
  });

  it('recognises an operator’s deposit from an accredited institution at once, and queues one without', async () => {
    const base = { accountNo, type: 'VOCATIONAL', catalogItemCode: 'VSC-ELEC-G4', title: '电工证', achievedAt: '2026-03-03' };
    const withIssuer = await h.gql<{ depositOutcome: { id: string; status: string; source: string; recognizedCredits: number } }>(
      `mutation($i: DepositOutcomeInput!) { depositOutcome(input: $i) { id status source recognizedCredits } }`,
      { i: { ...base, institutionCode: INSTITUTION } },
      tokens.operator('sn-1'),
    );
    expect(withIssuer.data?.depositOutcome).toMatchObject({ status: 'RECOGNIZED', source: 'INTAKE_POINT', recognizedCredits: 6 });
    // The intake point is on the event, for the node's evaluation in analytics.
    await eventually(() => {
      const deposited = h.tap
        .events(OutcomeDeposited.type)
        .find((e) => (e.data as { outcomeId: string }).outcomeId === withIssuer.data!.depositOutcome.id);
      expect(deposited?.data).toMatchObject({ nodeId: 'sn-1', source: 'INTAKE_POINT' });
    });
    const without = await h.gql<{ depositOutcome: { status: string; statusReason: string } }>(
      DEPOSIT,
      { i: base },
      tokens.operator('sn-1'),
    );
    expect(without.data?.depositOutcome).toMatchObject({
      status: 'PENDING_REVIEW',
      statusReason: expect.stringMatching(/review/) as string,
    });
  });

  it('needs evidence from a learner, and a reviewer decides', async () => {
    const base = {
      accountNo,
      type: 'NON_ACADEMIC',
      catalogItemCode: 'CE-TEA-101',
      title: '茶艺社区课程',
      hours: 36,
      achievedAt: '2026-04-04',
    };
    const noEvidence = await h.gql(DEPOSIT, { i: base }, tokens.learner(accountNo));
    expect(noEvidence.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.evidence' });
    const declared = await h.gql<{ depositOutcome: { id: string; status: string; source: string } }>(
      DEPOSIT,
      { i: { ...base, evidence: ['file:teahouse-certificate.jpg'] } },
      tokens.learner(accountNo),
    );
    expect(declared.data?.depositOutcome).toMatchObject({ status: 'PENDING_REVIEW', source: 'SELF_DECLARED' });
    const id = declared.data!.depositOutcome.id;
    expect((await h.gql(REVIEW, { id, d: 'APPROVE' }, tokens.learner(accountNo))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(REVIEW, { id, d: 'APPROVE' }, tokens.expert('44'))).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const approved = await h.gql<{ reviewOutcome: { status: string; recognizedCredits: number } }>(
      REVIEW,
      { id, d: 'APPROVE' },
      tokens.expert('33'),
    );
    expect(approved.data?.reviewOutcome).toMatchObject({ status: 'RECOGNIZED', recognizedCredits: 2 });
    expect((await h.gql(REVIEW, { id, d: 'REJECT', note: 'x' }, tokens.expert('33'))).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const other = await h.gql<{ depositOutcome: { id: string } }>(
      DEPOSIT,
      { i: { ...base, evidence: ['file:2.jpg'] } },
      tokens.learner(accountNo),
    );
    expect(
      (await h.gql(REVIEW, { id: other.data!.depositOutcome.id, d: 'REJECT' }, tokens.expert('33'))).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const rejected = await h.gql<{ reviewOutcome: { status: string; statusReason: string } }>(
      REVIEW,
      { id: other.data!.depositOutcome.id, d: 'REJECT', note: '证明不清晰' },
      tokens.expert('33'),
    );
    expect(rejected.data?.reviewOutcome).toMatchObject({ status: 'REJECTED', statusReason: '证明不清晰' });
  });

  it('refuses deposits for another province’s learner, another learner, or a frozen account', async () => {
    const base = { accountNo, type: 'VOCATIONAL', catalogItemCode: 'VSC-ELEC-G4', title: 'x', achievedAt: '2026-03-03', evidence: ['e'] };
    expect((await h.gql(DEPOSIT, { i: base }, tokens.operator('sn-gd', '44'))).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(DEPOSIT, { i: base }, tokens.learner('330000000100'.slice(0, 11) + '0'))).errors?.[0]?.extensions?.['code']).toBe(
      'NOT_FOUND',
    );
    expect(
      (await h.gql(DEPOSIT, { i: { ...base, catalogItemCode: 'NOPE-X' } }, tokens.operator('sn-1'))).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.catalogItemCode' });
    expect(
      (await h.gql(DEPOSIT, { i: { ...base, achievedAt: '2099-01-01' } }, tokens.operator('sn-1'))).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.achievedAt' });
  });
});

describe('revocation', () => {
  /** A learner with an account, and their community-education rows: 36 h → 2 credits each; at most 5 NON_ACADEMIC credits a year. */
  async function teaLearner() {
    const id = person();
    const opened = accountOpened(h.hashOf(id));
    await h.feed([opened]);
    const tea = (achievedAt: string) =>
      row(id, { type: 'NON_ACADEMIC', catalogItemCode: 'CE-TEA-101', title: '茶艺', hours: 36, achievedAt });
    const credited = async () =>
      (await outcomesOf(h, opened.event.data.accountNo))
        .filter((o) => o.status === 'RECOGNIZED')
        .map((o) => o.recognizedCredits)
        .sort();
    return { accountNo: opened.event.data.accountNo, tea, credited };
  }

  it('counts the annual cap across batches and frees it when an outcome is revoked', async () => {
    const { accountNo, tea, credited } = await teaLearner();
    await h.gql(IMPORT, { ref: 'cap-1', rows: [tea('2026-03-01'), tea('2026-03-02')] }, admin());
    await h.gql(IMPORT, { ref: 'cap-2', rows: [tea('2026-04-01')] }, admin());
    expect(await credited()).toEqual([1, 2, 2]);
    const [first] = (await outcomesOf(h, accountNo)).filter((o) => o.recognizedCredits === 2);
    const REVOKE = `mutation($id: ID!, $r: String!) { revokeOutcome(id: $id, reason: $r) { status } }`;
    expect(
      (await h.gql<{ revokeOutcome: { status: string } }>(REVOKE, { id: first!.id, r: '重复登记' }, admin())).data?.revokeOutcome.status,
    ).toBe('REVOKED');
    await h.gql(IMPORT, { ref: 'cap-3', rows: [tea('2026-05-01')] }, admin());
    expect(await credited()).toEqual([1, 2, 2]);
    // Another year has its own cap.
    await h.gql(IMPORT, { ref: 'cap-4', rows: [tea('2025-05-01')] }, admin());
    expect(await credited()).toEqual([1, 2, 2, 2]);
  });

  it('reads credit tallies written before their entries were packed', async () => {
    const { accountNo, tea, credited } = await teaLearner();
    await h.gql(IMPORT, { ref: 'packed-1', rows: [tea('2026-03-01'), tea('2026-03-02')] }, admin());
    const tallies = h.db.collection<{ _id: string; entries: Record<string, unknown> }>('credit_tallies');
    const stored = await tallies.findOne({ _id: accountNo });
    expect(Object.values(stored?.entries ?? {})).toHaveLength(2);
    expect(Object.values(stored!.entries).every((e) => typeof e === 'string')).toBe(true);
    // The same two entries as sub-documents, the form written before.
    const unpacked = Object.fromEntries(
      Object.entries(stored!.entries).map(([key, value]) => {
        const [y, n, c, k] = JSON.parse(value as string) as [number, number, string, string[]];
        return [key, { y, k, c, n }];
      }),
    );
    await tallies.replaceOne({ _id: accountNo }, { entries: unpacked });
    // 4 of the year's 5 NON_ACADEMIC credits are counted from them: the next outcome gets 1.
    await h.gql(IMPORT, { ref: 'packed-2', rows: [tea('2026-04-01')] }, admin());
    expect(await credited()).toEqual([1, 2, 2]);
  });

  it('revokes with a reason, publishes it, and stops counting the credits', async () => {
    const id = person();
    const opened = accountOpened(h.hashOf(id));
    await h.feed([opened]);
    await h.gql(IMPORT, { ref: 'rv-1', rows: [row(id)] }, admin());
    const [o] = await outcomesOf(h, opened.event.data.accountNo);
    const REVOKE = `mutation($id: ID!, $r: String!) { revokeOutcome(id: $id, reason: $r) { status statusReason } }`;
    expect((await h.gql(REVOKE, { id: o!.id, r: 'x' }, tokens.centerAdmin('44'))).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(REVOKE, { id: o!.id, r: '' }, admin())).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    const r = await h.gql<{ revokeOutcome: { status: string } }>(REVOKE, { id: o!.id, r: '发证机构更正：证书编号有误' }, admin());
    expect(r.data?.revokeOutcome.status).toBe('REVOKED');
    expect((await h.gql(REVOKE, { id: o!.id, r: 'again' }, admin())).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    await eventually(() =>
      expect(h.tap.events(OutcomeRevoked.type).find((e) => (e.data as { outcomeId: string }).outcomeId === o!.id)?.data).toMatchObject({
        previousStatus: 'RECOGNIZED',
        recognizedCredits: 6,
        points: 600,
      }),
    );
    const archive = await h.gql<{ _entities: Array<{ archive: Array<{ year: number; recognizedCredits: number; outcomes: number }> }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { archive { year outcomes recognizedCredits } } } }`,
      { r: [{ __typename: 'Learner', accountNo: opened.event.data.accountNo }] },
      tokens.learner(opened.event.data.accountNo),
    );
    expect(archive.data!._entities[0]!.archive).toEqual([{ year: 2026, outcomes: 1, recognizedCredits: 0 }]);
  });
});

describe('recognition across credit standard versions', () => {
  it('keeps the version an outcome was recognised under when a new standard is published', async () => {
    const id = person();
    const opened = accountOpened(h.hashOf(id));
    await h.feed([opened]);
    await h.gql(IMPORT, { ref: 'v-1', rows: [row(id)] }, admin());
    const [first] = await outcomesOf(h, opened.event.data.accountNo);
    expect(first).toMatchObject({ status: 'RECOGNIZED', recognizedCredits: 6, creditStandardVersion: 1, points: 600 });
    await h.feed([standard(2)]); // level 2 now earns 12 credits
    await h.gql(IMPORT, { ref: 'v-2', rows: [row(id, { achievedAt: '2026-09-01' })] }, admin());
    const all = await outcomesOf(h, opened.event.data.accountNo);
    expect(all.find((o) => o.id === first!.id)).toMatchObject({ recognizedCredits: 6, creditStandardVersion: 1 });
    expect(all.find((o) => o.id !== first!.id)).toMatchObject({ recognizedCredits: 12, creditStandardVersion: 2 });
  });
});
