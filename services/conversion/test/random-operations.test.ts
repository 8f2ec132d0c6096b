import { randomUUID } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Caller, CommandContext } from '@creditbank/kernel';
import { accountProblems } from '../src/domain/credit-account';
import { add, fold, sameBalances, ZERO, type Balances } from '../src/domain/ledger';
import { recordOutcomeRecognized, recordOutcomeRevoked } from '../src/use-cases/record-outcome.use-case';
import { submitConversion } from '../src/use-cases/submit-conversion.use-case';
import { cancelConversion, decideConversion, preliminaryReviewConversion } from '../src/use-cases/review-conversion.use-case';
import { redeemReward, upsertRewardItem } from '../src/use-cases/rewards.use-case';
import { PARTNER, newAccountNo, publishedRule, startConversion, type ConversionHarness } from './harness';

/**
 * Seeded random operations against the real database: recognitions (also duplicated, and revocations
 * arriving before their recognition), submissions (with idempotent replays and reused keys), reviews,
 * decisions, cancellations, revocations and redemptions. After every step the touched account's
 * balances equal the fold of its ledger and every invariant holds. A failure prints the seed and the
 * step; `CONVERSION_SEED=<seed>` replays it exactly (`CONVERSION_RANDOM_OPS` sets the length).
 */
const seed = Number(process.env['CONVERSION_SEED'] ?? Date.now() % 1_000_000_007);
const OPS = Number(process.env['CONVERSION_RANDOM_OPS'] ?? 400);

let h: ConversionHarness;
beforeAll(async () => {
  h = await startConversion();
});
afterAll(async () => {
  await h?.stop();
});

const user = (
  role: Caller extends infer C ? (C extends { role: infer R } ? R : never) : never,
  extra: Record<string, string> = {},
): Caller => ({ kind: 'user', sub: extra['sub'] ?? `test-${String(role).toLowerCase()}`, role, province: '33', ...extra }) as Caller;

it(`keeps the ledger invariants through ${OPS} random operations (seed ${seed})`, async () => {
  console.log(`random operations: seed ${seed} (replay with CONVERSION_SEED=${seed}), ${OPS} operations`);
  const ctx = (caller: Caller): CommandContext => ({ caller, requestId: randomUUID(), now: new Date() });
  const ruleId = await publishedRule(h, { creditsRequired: 3 });
  const cheap = await publishedRule(h, { creditsRequired: 1, source: { types: ['VOCATIONAL', 'NON_ACADEMIC'] } });
  await upsertRewardItem(h.deps.rewards, ctx(user('CENTER_ADMIN')), {
    code: 'ZJ-RANDOM',
    name: '随机奖励',
    kind: 'TRANSIT_POINTS',
    pointsCost: 50,
    stock: 400,
  });

  const accounts = Array.from({ length: 8 }, () => newAccountNo());
  const outcomesOf = new Map<string, string[]>(accounts.map((a) => [a, []]));
  const pendingRevocations: Array<{ accountNo: string; outcomeId: string }> = [];
  const appsOf = new Map<string, string[]>(accounts.map((a) => [a, []]));
  const usedKeys = new Map<string, string>();
  const folded = new Map<string, { seq: number; balances: Balances }>(accounts.map((a) => [a, { seq: 0, balances: { ...ZERO } }]));
  const counts: Record<string, number> = {};
  let stock = 400;

  async function check(accountNo: string, step: number) {
    const account = await h.deps.accounts.get(accountNo);
    if (!account) return;
    const f = folded.get(accountNo)!;
    const seqs = Array.from({ length: account.seq - f.seq }, (_, i) => f.seq + 1 + i);
    const entries = await h.deps.ledger.bySeq(accountNo, seqs);
    if (entries.length !== seqs.length)
      throw new Error(`${accountNo} step ${step}: ${seqs.length - entries.length} ledger entries of ${accountNo} missing`);
    f.balances = entries.reduce((b, e) => add(b, e.delta), f.balances);
    f.seq = account.seq;
    if (!sameBalances(f.balances, account.balances))
      throw new Error(`step ${step}: balances of ${accountNo} differ from the fold of its ledger`);
    const problems = accountProblems(account);
    if (problems.length) throw new Error(`step ${step}: ${problems.join('; ')}`);
  }

  // One lane per account, each with its own generator derived from the seed: lanes run side by side
  // (accounts are independent), and each lane's sequence replays exactly from the seed.
  async function lane(index: number) {
    const accountNo = accounts[index]!;
    const rng = xoroshiro128plus(seed + index);
    const int = (lo: number, hi: number) => uniformInt(rng, lo, hi);
    const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!;
    let n = 0;
    const id = (prefix: string) => `${prefix}-00000000-0000-4000-8${String(index).padStart(3, '0')}-${String(++n).padStart(12, '0')}`;
    for (let step = 0; step < Math.ceil(OPS / accounts.length); step++) {
      const learner = user('LEARNER', { acct: accountNo, sub: accountNo });
      const kind = pick([
        'recognize',
        'recognize',
        'duplicate',
        'revoke',
        'early-revoke',
        'submit',
        'submit',
        'replay',
        'preliminary',
        'decide',
        'decide',
        'cancel',
        'redeem',
      ] as const);
      const outcomes = outcomesOf.get(accountNo)!;
      const apps = appsOf.get(accountNo)!;
      try {
        switch (kind) {
          case 'recognize':
          case 'duplicate': {
            const outcomeId = kind === 'duplicate' && outcomes.length ? pick(outcomes) : id('oc');
            const early = pendingRevocations.findIndex((p) => p.outcomeId === outcomeId);
            if (early >= 0) pendingRevocations.splice(early, 1);
            if (!outcomes.includes(outcomeId)) outcomes.push(outcomeId);
            await recordOutcomeRecognized(h.deps, ctx(user('PLATFORM_ADMIN')), accountNo, '33', {
              id: outcomeId,
              type: pick(['VOCATIONAL', 'VOCATIONAL', 'NON_ACADEMIC'] as const),
              catalogItemCode: 'VSC-ELEC-G4',
              level: int(1, 3),
              score: int(50, 100),
              achievedAt: `20${int(18, 25)}-06-01`,
              title: '成果',
              institutionCode: null,
              credits: int(1, 8) / 2,
              points: int(0, 300),
              creditStandardVersion: 1,
              recognizedAt: new Date().toISOString(),
            });
            break;
          }
          case 'revoke':
            if (outcomes.length) await recordOutcomeRevoked(h.deps, ctx(user('PLATFORM_ADMIN')), accountNo, pick(outcomes));
            break;
          case 'early-revoke': {
            // The revocation of an outcome whose recognition is still on its way (reordered events).
            const outcomeId = id('oc');
            pendingRevocations.push({ accountNo, outcomeId });
            await recordOutcomeRevoked(h.deps, ctx(user('PLATFORM_ADMIN')), accountNo, outcomeId);
            outcomes.push(outcomeId);
            break;
          }
          case 'submit':
          case 'replay': {
            if (!outcomes.length) break;
            const chosen = [...new Set(Array.from({ length: int(1, 3) }, () => pick(outcomes)))];
            const key =
              kind === 'replay' && usedKeys.size
                ? (pick([...usedKeys.keys()].filter((k) => k.startsWith(accountNo))) ?? `${accountNo}:k${step}`)
                : `${accountNo}:k${step}`;
            const app = await submitConversion(h.deps, ctx(pick([learner, user('INTAKE_OPERATOR', { node: 'sn-1' })])), {
              accountNo,
              ruleId: pick([ruleId, cheap]),
              outcomeIds: chosen,
              idempotencyKey: key.split(':')[1]!,
            });
            if (usedKeys.has(key) && usedKeys.get(key) !== app.id) throw new Error(`step ${step}: a replayed key gave another application`);
            usedKeys.set(key, app.id);
            if (!apps.includes(app.id)) apps.push(app.id);
            break;
          }
          case 'preliminary':
            if (apps.length)
              await preliminaryReviewConversion(
                h.deps,
                ctx(user('INTAKE_OPERATOR', { node: 'sn-1' })),
                pick(apps),
                int(0, 3) > 0,
                '初审意见',
              );
            break;
          case 'decide':
            if (apps.length)
              await decideConversion(
                h.deps,
                ctx(pick([user('CENTER_ADMIN'), user('UNIVERSITY_PARTNER', { inst: PARTNER })])),
                pick(apps),
                int(0, 3) > 0,
                '决定意见',
              );
            break;
          case 'cancel':
            if (apps.length) await cancelConversion(h.deps, ctx(learner), pick(apps));
            break;
          case 'redeem': {
            const q = int(1, 3);
            await redeemReward(h.deps, ctx(learner), accountNo, 'ZJ-RANDOM', q, `r${step}`);
            stock -= q;
            break;
          }
        }
        counts[kind] = (counts[kind] ?? 0) + 1;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || code === 'FORBIDDEN')
          throw new Error(`lane ${index} step ${step} (${kind}) failed, seed ${seed}: ${(error as Error).stack}`);
        counts[`${kind}:${code}`] = (counts[`${kind}:${code}`] ?? 0) + 1;
      }
      await check(accountNo, step);
    }
  }
  await Promise.all(accounts.map((_, i) => lane(i)));

  // Finally: every account in full, the stock, and that the run did exercise every kind of step.
  for (const accountNo of accounts) {
    const { balances, entries } = await h.checkLedger(accountNo);
    expect(sameBalances(fold(entries), balances)).toBe(true);
  }
  const item = await h.deps.rewards.get('33', 'ZJ-RANDOM');
  expect(item?.stock).toBe(stock);
  expect(stock).toBeGreaterThanOrEqual(0);
  console.log(`random operations: ${JSON.stringify(counts)}`);
  for (const k of ['recognize', 'duplicate', 'revoke', 'early-revoke', 'submit', 'preliminary', 'decide', 'cancel', 'redeem'])
    expect(counts[k] ?? 0).toBeGreaterThan(0);
}, 600_000);
