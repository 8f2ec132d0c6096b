import { eventually, tokens } from '@creditbank/testing';
import {
  APP_FIELDS,
  DRAFT,
  PARTNER,
  OTHER_PARTNER,
  PUBLISH,
  SUBMIT,
  creditAccount,
  frozen,
  newAccountNo,
  opened,
  publishedRule,
  recognized,
  revoked,
  ruleInput,
  startConversion,
  type ConversionHarness,
} from './harness';
import { releaseStaleHolds } from '../src/use-cases/rewards.use-case';

let h: ConversionHarness;
let ruleId: string;

beforeAll(async () => {
  h = await startConversion();
  ruleId = await publishedRule(h);
});

afterAll(async () => {
  await h?.stop();
});

/** A learner with some recognised outcomes (3 credits and 300 points each). */
async function learnerWith(n: number, overrides: Parameters<typeof recognized>[1] = {}) {
  const accountNo = newAccountNo();
  const events = Array.from({ length: n }, () => recognized(accountNo, overrides));
  await h.feed([opened(accountNo), ...events]);
  return { accountNo, outcomeIds: events.map((e) => e.event.data.outcomeId) };
}

const submitAs = (token: string, accountNo: string, outcomeIds: string[], key: string, rule = ruleId) =>
  h.gql<{ submitConversion: { id: string; status: string; credits: number } }>(
    SUBMIT,
    { i: { accountNo, ruleId: rule, outcomeIds, idempotencyKey: key } },
    token,
  );

describe('rules', () => {
  it('are drafted, published (public) and superseded by a new version', async () => {
    const partnerOther = await h.gql(
      DRAFT,
      { i: ruleInput({ target: { kind: 'COURSE_CREDIT', institutionCode: OTHER_PARTNER, courseCode: 'X', courseName: 'X' } }) },
      tokens.universityPartner(PARTNER),
    );
    expect(partnerOther.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const bad = await h.gql(DRAFT, { i: ruleInput({ source: {} }) }, tokens.expert());
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const own = await h.ok<{ draftConversionRule: { id: string; status: string } }>(
      DRAFT,
      { i: ruleInput() },
      tokens.universityPartner(PARTNER),
    );
    expect(own.draftConversionRule.status).toBe('DRAFT');
    // A draft is not public; a learner cannot publish.
    expect(
      (await h.gql<{ conversionRule: null }>(`query($id: ID!) { conversionRule(id: $id) { id } }`, { id: own.draftConversionRule.id })).data
        ?.conversionRule,
    ).toBeNull();
    expect((await h.gql(PUBLISH, { id: own.draftConversionRule.id }, tokens.expert())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    await h.ok(PUBLISH, { id: own.draftConversionRule.id }, tokens.centerAdmin());
    expect((await h.gql(PUBLISH, { id: own.draftConversionRule.id }, tokens.centerAdmin())).errors?.[0]?.extensions?.['code']).toBe(
      'BAD_USER_INPUT',
    );
    const succ = await h.ok<{ draftConversionRule: { id: string; version: number } }>(
      DRAFT,
      { i: ruleInput({ creditsRequired: 9, supersedes: own.draftConversionRule.id }) },
      tokens.expert(),
    );
    expect(succ.draftConversionRule.version).toBe(2);
    await h.ok(PUBLISH, { id: succ.draftConversionRule.id }, tokens.centerAdmin());
    const list = await h.ok<{ conversionRules: { edges: Array<{ node: { id: string; version: number; status: string } }> } }>(
      `query($f: RuleFilter) { conversionRules(filter: $f) { totalCount edges { node { id version status target { institutionCode } } } } }`,
      { f: { targetInstitutionCode: PARTNER } },
    );
    const ids = list.conversionRules.edges.map((e) => e.node.id);
    expect(ids).toContain(succ.draftConversionRule.id);
    expect(ids).not.toContain(own.draftConversionRule.id); // retired by its successor
    await eventually(() => {
      const types = h.tap
        .events()
        .filter((e) => (e.data as { ruleId?: string }).ruleId === own.draftConversionRule.id)
        .map((e) => e.type);
      expect(types).toEqual(['creditbank.conversion-rule.published.v1', 'creditbank.conversion-rule.retired.v1']);
    });
  });
});

describe('the credit account and an application', () => {
  it('recognition fills the account and awards points; submit reserves, review and decision consume exactly once', async () => {
    const { accountNo, outcomeIds } = await learnerWith(3);
    expect(await creditAccount(h, accountNo)).toMatchObject({
      creditAccount: { recognized: 9, available: 9, reserved: 0, points: { earned: 900, available: 900 } },
    });
    await eventually(() =>
      expect(
        h.tap.events('creditbank.points.awarded.v1').filter((e) => (e.data as { accountNo: string }).accountNo === accountNo),
      ).toHaveLength(3),
    );

    const sim = await h.ok<{
      simulateConversion: { eligible: boolean; creditsUsed: number; suggestedOutcomeIds: string[]; missing: string[] };
    }>(
      `query($a: ID!, $r: ID!) { simulateConversion(accountNo: $a, ruleId: $r) { eligible creditsRequired creditsQualifying creditsUsed creditsMissing suggestedOutcomeIds missing } }`,
      { a: accountNo, r: ruleId },
      tokens.learner(accountNo),
    );
    expect(sim.simulateConversion).toMatchObject({ eligible: true, creditsUsed: 6 });
    expect(sim.simulateConversion.suggestedOutcomeIds).toHaveLength(2);

    const chosen = sim.simulateConversion.suggestedOutcomeIds;
    const s = await submitAs(tokens.learner(accountNo), accountNo, chosen, 'k-1');
    expect(s.data?.submitConversion).toMatchObject({ status: 'SUBMITTED', credits: 6 });
    const id = s.data!.submitConversion.id;
    expect(await creditAccount(h, accountNo)).toMatchObject({ creditAccount: { reserved: 6, available: 3 } });

    // Illegal steps.
    const early = await h.gql(`mutation($id: ID!) { decideConversion(id: $id, approve: true) { id } }`, { id }, tokens.centerAdmin());
    expect(early.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const noReason = await h.gql(
      `mutation($id: ID!) { preliminaryReview(id: $id, approve: false) { id } }`,
      { id },
      tokens.operator('sn-1'),
    );
    expect(noReason.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');

    await h.ok(
      `mutation($id: ID!) { preliminaryReview(id: $id, approve: true, note: "材料齐全") { id } }`,
      { id },
      tokens.operator('sn-1'),
    );
    // Another partner cannot decide; the addressed partner can.
    const stranger = await h.gql(
      `mutation($id: ID!) { decideConversion(id: $id, approve: true) { id } }`,
      { id },
      tokens.universityPartner(OTHER_PARTNER),
    );
    expect(stranger.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const decided = await h.ok<{
      decideConversion: { status: string; history: Array<{ action: string; role: string; note: string | null }> };
    }>(
      `mutation($id: ID!) { decideConversion(id: $id, approve: true, note: "同意") { ${APP_FIELDS} } }`,
      { id },
      tokens.universityPartner(PARTNER),
    );
    expect(decided.decideConversion.status).toBe('APPROVED');
    expect(decided.decideConversion.history.map((x) => [x.action, x.role])).toEqual([
      ['SUBMITTED', 'LEARNER'],
      ['PRELIMINARY_APPROVED', 'INTAKE_OPERATOR'],
      ['APPROVED', 'UNIVERSITY_PARTNER'],
    ]);
    const again = await h.gql(`mutation($id: ID!) { decideConversion(id: $id, approve: true) { id } }`, { id }, tokens.centerAdmin());
    expect(again.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const acc = await creditAccount(h, accountNo);
    expect(acc.creditAccount).toMatchObject({ recognized: 9, reserved: 0, consumed: 6, available: 3 });
    const { entries } = await h.checkLedger(accountNo);
    expect(entries.filter((e) => e.kind === 'CONSUMED')).toHaveLength(1);
    await eventually(() => {
      const types = h.tap
        .events()
        .filter((e) => (e.data as { applicationId?: string }).applicationId === id)
        .map((e) => e.type);
      expect(types).toEqual([
        'creditbank.conversion.submitted.v1',
        'creditbank.conversion.preliminarily-approved.v1',
        'creditbank.conversion.approved.v1',
      ]);
    });
    // Every event is keyed by the learner.
    expect(
      h.tap.messages.filter((m) => (m.event?.data as { applicationId?: string })?.applicationId === id).every((m) => m.key === accountNo),
    ).toBe(true);
    expect(outcomeIds).toEqual(expect.arrayContaining(chosen));
  });

  it('cancellation and rejection release the reservation', async () => {
    const { accountNo, outcomeIds } = await learnerWith(2);
    const a = (await submitAs(tokens.operator('sn-1'), accountNo, outcomeIds, 'c-1')).data!.submitConversion.id;
    await h.ok(`mutation($id: ID!) { cancelConversion(id: $id) { status } }`, { id: a }, tokens.learner(accountNo));
    const b = (await submitAs(tokens.learner(accountNo), accountNo, outcomeIds, 'c-2')).data!.submitConversion.id;
    await h.ok(
      `mutation($id: ID!) { preliminaryReview(id: $id, approve: false, note: "证书信息不全") { status } }`,
      { id: b },
      tokens.operator('sn-1'),
    );
    expect(await creditAccount(h, accountNo)).toMatchObject({ creditAccount: { reserved: 0, available: 6 } });
    const { entries } = await h.checkLedger(accountNo);
    expect(entries.map((e) => e.kind).filter((k) => k === 'RESERVED' || k === 'RELEASED')).toEqual([
      'RESERVED',
      'RELEASED',
      'RESERVED',
      'RELEASED',
    ]);
  });

  it('the same idempotency key replays the first result; with another request it is a CONFLICT', async () => {
    const { accountNo, outcomeIds } = await learnerWith(3);
    const first = await submitAs(tokens.learner(accountNo), accountNo, outcomeIds.slice(0, 2), 'same-key');
    const replay = await submitAs(tokens.learner(accountNo), accountNo, [...outcomeIds.slice(0, 2)].reverse(), 'same-key');
    expect(replay.data?.submitConversion.id).toBe(first.data?.submitConversion.id);
    const other = await submitAs(tokens.learner(accountNo), accountNo, outcomeIds.slice(1, 3), 'same-key');
    expect(other.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect((await creditAccount(h, accountNo)).conversions.totalCount).toBe(1);
    // A failed request does not bind its key.
    const failed = await submitAs(tokens.learner(accountNo), accountNo, [outcomeIds[2]!], 'k-fail');
    expect(failed.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const redeem = await h.gql(
      `mutation($a: ID!) { redeemReward(accountNo: $a, itemCode: "NOPE", quantity: 1, idempotencyKey: "same-key") { id } }`,
      { a: accountNo },
      tokens.learner(accountNo),
    );
    expect(redeem.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('50 concurrent submissions for the same outcomes: exactly one reservation wins', async () => {
    const { accountNo, outcomeIds } = await learnerWith(2);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => submitAs(tokens.learner(accountNo), accountNo, outcomeIds, `race-${i}`)),
    );
    const won = results.filter((r) => r.data?.submitConversion);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.['code'] === 'CONFLICT')).toHaveLength(49);
    const acc = await creditAccount(h, accountNo);
    expect(acc.creditAccount).toMatchObject({ reserved: 6, available: 0 });
    expect(acc.conversions.totalCount).toBe(1);
    const { entries } = await h.checkLedger(accountNo);
    expect(entries.filter((e) => e.kind === 'RESERVED')).toHaveLength(1);
  });

  it('a frozen account cannot apply', async () => {
    const { accountNo, outcomeIds } = await learnerWith(2);
    await h.feed([frozen(accountNo)]);
    const r = await submitAs(tokens.learner(accountNo), accountNo, outcomeIds, 'f-1');
    expect(r.errors?.[0]?.message).toMatch(/FROZEN/);
  });
});

describe('revocation', () => {
  it('rejects pending applications with the reason and flags approved ones for review; the ledger reverses', async () => {
    const { accountNo, outcomeIds } = await learnerWith(4);
    const pending = (await submitAs(tokens.learner(accountNo), accountNo, outcomeIds.slice(0, 2), 'r-1')).data!.submitConversion.id;
    const approved = (await submitAs(tokens.learner(accountNo), accountNo, outcomeIds.slice(2, 4), 'r-2')).data!.submitConversion.id;
    await h.ok(`mutation($id: ID!) { preliminaryReview(id: $id, approve: true) { id } }`, { id: approved }, tokens.operator('sn-1'));
    await h.ok(`mutation($id: ID!) { decideConversion(id: $id, approve: true) { id } }`, { id: approved }, tokens.centerAdmin());
    await h.feed([revoked(accountNo, outcomeIds[0]!), revoked(accountNo, outcomeIds[2]!)]);
    const q = `query($id: ID!) { conversionApplication(id: $id) { ${APP_FIELDS} } }`;
    const p = await h.ok<{
      conversionApplication: { status: string; revokedOutcomeIds: string[]; history: Array<{ action: string; note: string }> };
    }>(q, { id: pending }, tokens.learner(accountNo));
    expect(p.conversionApplication.status).toBe('REJECTED');
    expect(p.conversionApplication.history.at(-1)).toMatchObject({ action: 'AUTO_REJECTED' });
    expect(p.conversionApplication.revokedOutcomeIds).toEqual([outcomeIds[0]]);
    const a = await h.ok<{ conversionApplication: { status: string } }>(q, { id: approved }, tokens.centerAdmin());
    expect(a.conversionApplication.status).toBe('NEEDS_REVIEW');
    expect((await creditAccount(h, accountNo)).creditAccount).toMatchObject({
      recognized: 9,
      reserved: 0,
      consumed: 6,
      available: 3,
      points: { earned: 600 },
    });
    // The centre upholds it: the revoked outcome's credits are reversed, the other stays consumed.
    await h.ok(
      `mutation($id: ID!) { decideConversion(id: $id, approve: true, note: "其余成果足够") { id } }`,
      { id: approved },
      tokens.centerAdmin(),
    );
    expect((await creditAccount(h, accountNo)).creditAccount).toMatchObject({ recognized: 6, consumed: 3, available: 3 });
    await h.checkLedger(accountNo);
    await eventually(() => {
      const rejected = h.tap
        .events('creditbank.conversion.rejected.v1')
        .find((e) => (e.data as { applicationId: string }).applicationId === pending);
      expect(rejected?.data).toMatchObject({
        stage: 'AUTOMATIC',
        reasonCode: 'OUTCOME_REVOKED',
        revokedOutcomeId: outcomeIds[0],
        creditsReleased: 3,
      });
      expect(
        h.tap.events('creditbank.conversion.needs-review.v1').some((e) => (e.data as { applicationId: string }).applicationId === approved),
      ).toBe(true);
    });
    // A redelivered revocation changes nothing.
    const before = await h.checkLedger(accountNo);
    await h.feed([revoked(accountNo, outcomeIds[0]!)]);
    expect((await h.checkLedger(accountNo)).entries).toHaveLength(before.entries.length);
  });
});

describe('rewards', () => {
  it('redemptions under concurrency never take points or stock below zero', async () => {
    await h.ok(
      `mutation { upsertRewardItem(input: { code: "ZJ-TRANSIT-100", name: "公交积分100", kind: TRANSIT_POINTS, pointsCost: 100, stock: 5 }) { code stock } }`,
      {},
      tokens.centerAdmin(),
    );
    const forbidden = await h.gql(
      `mutation { upsertRewardItem(input: { code: "X1", name: "x", kind: TRANSIT_POINTS, pointsCost: 1, stock: 1, province: "44" }) { code } }`,
      {},
      tokens.centerAdmin(),
    );
    expect(forbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    // Two learners with 700 points each race for 5 items at 100 points: 14 attempts, 5 succeed.
    const a = await learnerWith(1, { points: 700 });
    const b = await learnerWith(1, { points: 700 });
    const redeem = (acc: string, i: number) =>
      h.gql<{ redeemReward: { id: string; pointsSpent: number } }>(
        `mutation($a: ID!, $k: String!) { redeemReward(accountNo: $a, itemCode: "ZJ-TRANSIT-100", quantity: 1, idempotencyKey: $k) { id pointsSpent } }`,
        { a: acc, k: `rd-${i}` },
        tokens.learner(acc),
      );
    const results = await Promise.all([
      ...Array.from({ length: 7 }, (_, i) => redeem(a.accountNo, i)),
      ...Array.from({ length: 7 }, (_, i) => redeem(b.accountNo, i)),
    ]);
    expect(results.filter((r) => r.data?.redeemReward)).toHaveLength(5);
    const items = await h.ok<{ rewardItems: Array<{ code: string; stock: number }> }>(
      `{ rewardItems { code stock } }`,
      {},
      tokens.learner(a.accountNo),
    );
    expect(items.rewardItems.find((i) => i.code === 'ZJ-TRANSIT-100')?.stock).toBe(0);
    const pa = (await creditAccount(h, a.accountNo)).creditAccount.points;
    const pb = (await creditAccount(h, b.accountNo)).creditAccount.points;
    expect(pa.redeemed + pb.redeemed).toBe(500);
    expect(pa.available).toBeGreaterThanOrEqual(0);
    await h.checkLedger(a.accountNo);
    await h.checkLedger(b.accountNo);
    // Points limit: 7 redemptions of 100 for a learner with 700 points and ample stock all succeed, the 8th fails.
    await h.ok(
      `mutation { upsertRewardItem(input: { code: "ZJ-TICKET", name: "景区门票", kind: ADMISSION_TICKET, pointsCost: 100, stock: 1000 }) { code } }`,
      {},
      tokens.centerAdmin(),
    );
    const c = await learnerWith(1, { points: 700 });
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.gql(
          `mutation($a: ID!, $k: String!) { redeemReward(accountNo: $a, itemCode: "ZJ-TICKET", quantity: 1, idempotencyKey: $k) { id } }`,
          { a: c.accountNo, k: `t-${i}` },
          tokens.learner(c.accountNo),
        ),
      ),
    );
    expect(many.filter((r) => r.data)).toHaveLength(7);
    expect((await creditAccount(h, c.accountNo)).creditAccount.points).toEqual({ earned: 700, redeemed: 700, available: 0 });
    const stock = await h.ok<{ rewardItems: Array<{ code: string; stock: number }> }>(
      `{ rewardItems { code stock } }`,
      {},
      tokens.centerAdmin(),
    );
    expect(stock.rewardItems.find((i) => i.code === 'ZJ-TICKET')?.stock).toBe(993);
  });

  it('a redemption that was written keeps its stock when the acknowledgement is lost or the hold cannot be cleared; the replay returns it', async () => {
    await h.ok(
      `mutation { upsertRewardItem(input: { code: "ZJ-CARD-10", name: "校园卡充值10元", kind: STUDENT_CARD_TOPUP, pointsCost: 100, stock: 10 }) { code } }`,
      {},
      tokens.centerAdmin(),
    );
    const { accountNo } = await learnerWith(1, { points: 700 });
    const redeem = (key: string) =>
      h.gql<{ redeemReward: { id: string } }>(
        `mutation($a: ID!, $k: String!) { redeemReward(accountNo: $a, itemCode: "ZJ-CARD-10", quantity: 1, idempotencyKey: $k) { id } }`,
        { a: accountNo, k: key },
        tokens.learner(accountNo),
      );
    const item = async () =>
      (await h.db
        .collection<{ _id: string; stock: number; holds: Record<string, number> }>('reward_items')
        .findOne({ _id: '33:ZJ-CARD-10' }))!;
    const lostConnection = () => Object.assign(new Error('connection 7 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });

    // The account write happens, then the database goes away before acknowledging it.
    const accounts = h.deps.accounts;
    const commit = accounts.commit;
    accounts.commit = async (...args: Parameters<typeof commit>) => {
      accounts.commit = commit;
      await commit(...args);
      throw lostConnection();
    };
    const lost = await redeem('lost-ack');
    accounts.commit = commit;
    expect(lost.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
    expect((await item()).stock).toBe(9); // the points are spent: so is the stock (it used to go back)
    const replay = await redeem('lost-ack');
    expect(replay.data?.redeemReward.id).toMatch(/^rd-/);
    expect((await item()).stock).toBe(9);
    expect((await item()).holds).toEqual({});

    // The write is acknowledged, then clearing the stock marker fails: the redemption stands.
    const rewards = h.deps.rewards;
    const settle = rewards.settle;
    rewards.settle = async () => {
      rewards.settle = settle;
      throw lostConnection();
    };
    const first = await redeem('marker');
    rewards.settle = settle;
    expect(first.errors).toBeUndefined();
    expect((await item()).stock).toBe(8);
    const again = await redeem('marker');
    expect(again.data?.redeemReward.id).toBe(first.data?.redeemReward.id);
    expect((await item()).holds).toEqual({}); // the replay tidied the marker
    expect((await creditAccount(h, accountNo)).creditAccount.points).toEqual({ earned: 700, redeemed: 200, available: 500 });
    await h.checkLedger(accountNo);
  });
  it('stock held by a redemption that never finished goes back once the hold is stale; a written one keeps it; a replay takes it again', async () => {
    await h.ok(
      `mutation { upsertRewardItem(input: { code: "ZJ-BUS-5", name: "公交积分5元", kind: TRANSIT_POINTS, pointsCost: 100, stock: 10 }) { code } }`,
      {},
      tokens.centerAdmin(),
    );
    const a = await learnerWith(1, { points: 900 });
    const redeem = (accountNo: string, key: string, quantity: number) =>
      h.gql<{ redeemReward: { id: string } }>(
        `mutation($a: ID!, $k: String!, $q: Int!) { redeemReward(accountNo: $a, itemCode: "ZJ-BUS-5", quantity: $q, idempotencyKey: $k) { id } }`,
        { a: accountNo, k: key, q: quantity },
        tokens.learner(accountNo),
      );
    const item = async () =>
      (await h.db
        .collection<{ _id: string; stock: number; holds: Record<string, unknown> }>('reward_items')
        .findOne({ _id: '33:ZJ-BUS-5' }))!;
    const sweep = async (minutesLater: number) => {
      const r = await releaseStaleHolds(h.deps, new Date(Date.now() + minutesLater * 60_000), 15 * 60_000);
      return { released: r.released.filter((x) => x.code === 'ZJ-BUS-5').map((x) => [x.accountNo, x.quantity]), settled: r.settled };
    };

    // The process dies after taking 3 from the stock: the account write never happens, nor the release.
    const accounts = h.deps.accounts;
    const rewards = h.deps.rewards;
    const { commit } = accounts;
    const { release, settle } = rewards;
    accounts.commit = async () => {
      throw Object.assign(new Error('connection 7 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
    };
    rewards.release = async () => undefined;
    const died = await redeem(a.accountNo, 'died', 3);
    accounts.commit = commit;
    rewards.release = release;
    expect(died.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
    expect((await item()).stock).toBe(7);
    // Its points go elsewhere, so the replay of its key is refused; the stock it held is not the replay's to give back.
    expect((await redeem(a.accountNo, 'spend', 7)).errors).toBeUndefined();
    expect((await item()).stock).toBe(0);
    expect((await redeem(a.accountNo, 'died', 3)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((await item()).stock).toBe(0);
    expect(Object.keys((await item()).holds)).toHaveLength(1);

    // Not yet stale: left alone. Stale: the 3 go back, and the hold with them.
    expect(await sweep(0)).toEqual({ released: [], settled: 0 });
    expect(await sweep(16)).toEqual({ released: [[a.accountNo, 3]], settled: 0 });
    expect(await item()).toMatchObject({ stock: 3, holds: {} });
    expect(await sweep(16)).toEqual({ released: [], settled: 0 }); // once

    // A written redemption whose marker could not be cleared keeps its stock: the sweep only settles it.
    const b = await learnerWith(1, { points: 300 });
    rewards.settle = async () => {
      rewards.settle = settle;
      throw Object.assign(new Error('connection 8 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
    };
    expect((await redeem(b.accountNo, 'kept', 2)).errors).toBeUndefined();
    expect(await item()).toMatchObject({ stock: 1 });
    expect(Object.keys((await item()).holds)).toHaveLength(1);
    expect(await sweep(16)).toEqual({ released: [], settled: 1 });
    expect(await item()).toMatchObject({ stock: 1, holds: {} });

    // After its hold went back, a replay of the died key takes stock anew (and gives it back when refused again).
    expect((await redeem(a.accountNo, 'died', 1)).errors?.[0]?.extensions?.['code']).toBe('CONFLICT'); // other quantity: other request
    expect((await redeem(a.accountNo, 'died', 3)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await item()).toMatchObject({ stock: 1, holds: {} });
    expect((await creditAccount(h, a.accountNo)).creditAccount.points).toEqual({ earned: 900, redeemed: 700, available: 200 });
    await h.checkLedger(a.accountNo);
    await h.checkLedger(b.accountNo);
  });
});
