import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import {
  accountProblems,
  cancel,
  decide,
  emptyAccount,
  preliminaryReview,
  recordRecognition,
  recordRevocation,
  redeem,
  recordStatus,
  submit,
  type AccountChange,
  type CreditAccount,
  type NewEntry,
} from './credit-account';
import { fold, sameBalances } from './ledger';
import type { ConversionRule } from './rule';

const ACC = '330000000177';
const now = new Date('2026-12-01T00:00:00Z');
const actor = { id: ACC, role: 'LEARNER' };
const op = { id: 'op-1', role: 'INTAKE_OPERATOR' };
const centre = { id: 'ca-1', role: 'CENTER_ADMIN' };
const oid = (n: number) => `oc-00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const aid = (n: number) => `ca-00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const rule: ConversionRule = {
  id: 'cr-00000000-0000-4000-8000-000000000001',
  province: '33',
  version: 1,
  supersedes: null,
  status: 'PUBLISHED',
  name: '电工证书置换模块',
  creditsRequired: 6,
  source: { catalogItemCodes: [], types: ['VOCATIONAL'], minLevel: 2, minScore: null, withinYears: 5 },
  target: {
    kind: 'MODULE_EXEMPTION',
    institutionCode: '12330000470001234X',
    courseCode: 'EE-1',
    courseName: '电气控制',
    levelCategory: null,
    credits: 4,
  },
  effectiveFrom: null,
  effectiveTo: null,
  draftedBy: 'x',
  draftedByRole: 'EXPERT',
  createdAt: now,
  publishedBy: 'x',
  publishedAt: now,
  retiredBy: null,
  retiredAt: null,
};

const recognition = (n: number, credits = 3, points = 300, extra: Partial<Parameters<typeof recordRecognition>[1]> = {}) => ({
  id: oid(n),
  type: 'VOCATIONAL' as const,
  catalogItemCode: 'VSC-ELEC-G4',
  level: 2,
  score: 80,
  achievedAt: '2025-06-01',
  title: `证书 ${n}`,
  institutionCode: null,
  credits,
  points,
  creditStandardVersion: 1,
  recognizedAt: now.toISOString(),
  ...extra,
});

/** Apply a change and keep the ledger: the invariants are checked after every step. */
class Book {
  account: CreditAccount = emptyAccount(ACC, '33');
  entries: NewEntry[] = [];
  folded = fold([]);
  apply(change: AccountChange | null): AccountChange | null {
    if (!change) return null;
    if (change.account.version !== this.account.version + 1) throw new Error('version did not advance by one');
    for (const e of change.entries)
      if (e.seq !== this.entries.length + 1) throw new Error(`entry seq ${e.seq} after ${this.entries.length}`);
      else this.entries.push(e);
    this.account = change.account;
    this.folded = fold([{ delta: this.folded }, ...change.entries]);
    const problems = accountProblems(this.account);
    if (problems.length) throw new Error(problems.join('; '));
    if (!sameBalances(this.folded, this.account.balances)) throw new Error('balances differ from the fold of the ledger');
    return change;
  }
}

describe('the credit account', () => {
  it('recognition adds credits and points once; a repeat is nothing', () => {
    const b = new Book();
    b.apply(recordRecognition(b.account, recognition(1, 4.5, 450), now.toISOString()));
    expect(recordRecognition(b.account, recognition(1, 4.5, 450), now.toISOString())).toBeNull();
    expect(b.account.balances).toEqual({ recognized: 450, reserved: 0, consumed: 0, pointsEarned: 450, pointsRedeemed: 0 });
    expect(b.entries.map((e) => e.kind)).toEqual(['RECOGNIZED', 'POINTS_AWARDED']);
  });

  it('submit reserves, approval consumes exactly once, the ledger explains every step', () => {
    const b = new Book();
    b.apply(recordRecognition(b.account, recognition(1), now.toISOString()));
    b.apply(recordRecognition(b.account, recognition(2), now.toISOString()));
    b.apply(
      submit(b.account, { applicationId: aid(1), rule, outcomeIds: [oid(1), oid(2)], actor, nodeId: null, idempotencyKey: 'k', now }),
    );
    expect(b.account.balances.reserved).toBe(600);
    expect(() => decide(b.account, aid(1), true, centre, null, now)).toThrow(/SUBMITTED application cannot be decided/);
    b.apply(preliminaryReview(b.account, aid(1), true, op, 'ok', now));
    b.apply(decide(b.account, aid(1), true, centre, null, now));
    expect(b.account.balances).toMatchObject({ recognized: 600, reserved: 0, consumed: 600 });
    expect(() => decide(b.account, aid(1), true, centre, null, now)).toThrow(/APPROVED application cannot be decided/);
    expect(() => cancel(b.account, aid(1), actor, now)).toThrow(/cannot be cancelled/);
    expect(b.account.applications[aid(1)]!.history.map((h) => h.action)).toEqual(['SUBMITTED', 'PRELIMINARY_APPROVED', 'APPROVED']);
  });

  it('refuses outcomes that are reserved, unknown, not qualifying or not enough', () => {
    const b = new Book();
    b.apply(recordRecognition(b.account, recognition(1, 6), now.toISOString()));
    b.apply(recordRecognition(b.account, recognition(2, 2, 0, { level: 1 }), now.toISOString()));
    b.apply(recordRecognition(b.account, recognition(3, 2, 0, { achievedAt: '2010-01-01' }), now.toISOString()));
    b.apply(recordRecognition(b.account, recognition(4, 2), now.toISOString()));
    const req = { rule, actor, nodeId: null, idempotencyKey: 'k', now };
    expect(() => submit(b.account, { ...req, applicationId: aid(9), outcomeIds: [oid(99)] })).toThrow(/not a recognised outcome/);
    expect(() => submit(b.account, { ...req, applicationId: aid(9), outcomeIds: [oid(2)] })).toThrow(/level 1 is below 2/);
    expect(() => submit(b.account, { ...req, applicationId: aid(9), outcomeIds: [oid(3)] })).toThrow(/more than 5 years ago/);
    expect(() => submit(b.account, { ...req, applicationId: aid(9), outcomeIds: [oid(4)] })).toThrow(
      /carry 2 credits; the rule requires 6/,
    );
    b.apply(submit(b.account, { ...req, applicationId: aid(1), outcomeIds: [oid(1)] }));
    expect(() => submit(b.account, { ...req, applicationId: aid(2), outcomeIds: [oid(1)] })).toThrow(/already reserved/);
  });

  it('revocation: pending application rejected and released; approved one needs review; upheld or annulled', () => {
    const b = new Book();
    for (const n of [1, 2, 3, 4]) b.apply(recordRecognition(b.account, recognition(n), now.toISOString()));
    const req = { rule, actor, nodeId: null, idempotencyKey: 'k', now };
    b.apply(submit(b.account, { ...req, applicationId: aid(1), outcomeIds: [oid(1), oid(2)] }));
    const c = b.apply(recordRevocation(b.account, oid(1), now.toISOString()))!;
    expect(b.account.applications[aid(1)]!.status).toBe('REJECTED');
    expect(c.notices.map((n) => n.kind)).toEqual(['points', 'rejected']);
    expect(b.account.outcomes[oid(2)]!.state).toBe('AVAILABLE');
    expect(b.account.balances).toMatchObject({ recognized: 900, reserved: 0, pointsEarned: 900 });
    // An approved conversion: revocation flags it; annulment gives the other outcome back.
    b.apply(submit(b.account, { ...req, applicationId: aid(2), outcomeIds: [oid(2), oid(3)] }));
    b.apply(preliminaryReview(b.account, aid(2), true, op, null, now));
    b.apply(decide(b.account, aid(2), true, centre, null, now));
    b.apply(recordRevocation(b.account, oid(3), now.toISOString()));
    expect(b.account.applications[aid(2)]!.status).toBe('NEEDS_REVIEW');
    expect(b.account.balances).toMatchObject({ recognized: 900, consumed: 600 });
    b.apply(decide(b.account, aid(2), false, centre, '证书作废', now));
    expect(b.account.applications[aid(2)]!.status).toBe('REJECTED');
    expect(b.account.balances).toMatchObject({ recognized: 600, consumed: 0, reserved: 0 });
    expect(b.account.outcomes[oid(2)]!.state).toBe('AVAILABLE');
    // A late recognition of a revoked outcome changes nothing; a revocation of an unknown outcome is remembered.
    expect(recordRecognition(b.account, recognition(1), now.toISOString())).toBeNull();
    b.apply(recordRevocation(b.account, oid(50), now.toISOString()));
    expect(recordRecognition(b.account, recognition(50), now.toISOString())).toBeNull();
  });

  it('points: redemption never below zero; revocation takes back only unspent points', () => {
    const b = new Book();
    b.apply(recordRecognition(b.account, recognition(1, 3, 300), now.toISOString()));
    const r = { itemCode: 'T', itemName: 'Transit', kind: 'TRANSIT_POINTS', quantity: 1, actor, now };
    expect(() => redeem(b.account, { ...r, redemptionId: 'rd-1', points: 301 })).toThrow(/Not enough points/);
    b.apply(redeem(b.account, { ...r, redemptionId: 'rd-1', points: 250 }));
    expect(redeem(b.account, { ...r, redemptionId: 'rd-1', points: 250 })).toBeNull();
    const c = b.apply(recordRevocation(b.account, oid(1), now.toISOString()))!;
    expect(c.notices[0]).toMatchObject({ kind: 'points', points: -50, notRecovered: 250 });
    expect(b.account.balances).toMatchObject({ pointsEarned: 250, pointsRedeemed: 250 });
  });

  it('a frozen account neither converts nor redeems', () => {
    const b = new Book();
    b.apply(recordRecognition(b.account, recognition(1, 6), now.toISOString()));
    b.apply(recordStatus(b.account, 'FROZEN', now.toISOString()));
    expect(() =>
      submit(b.account, { rule, actor, nodeId: null, idempotencyKey: 'k', now, applicationId: aid(1), outcomeIds: [oid(1)] }),
    ).toThrow(/FROZEN/);
    expect(recordStatus(b.account, 'ACTIVE', '2020-01-01T00:00:00Z')).toBeNull(); // older fact
  });
});

describe('seeded random operations on the domain', () => {
  const seed = Number(process.env['CONVERSION_SEED'] ?? Date.now() % 1_000_000);
  const steps = Number(process.env['CONVERSION_DOMAIN_OPS'] ?? 3000);
  it(`keeps every invariant for ${steps} operations (seed ${seed}; replay with CONVERSION_SEED=${seed})`, () => {
    const rng = xoroshiro128plus(seed);
    const pick = <T>(list: readonly T[]): T => list[uniformInt(rng, 0, list.length - 1)]!;
    const b = new Book();
    let outcomes = 0;
    let apps = 0;
    let redemptions = 0;
    const log: string[] = [];
    try {
      for (let i = 0; i < steps; i++) {
        const kind = uniformInt(rng, 0, 9);
        const held = Object.values(b.account.outcomes);
        const list = Object.values(b.account.applications);
        const at = now.toISOString();
        log.push(`${i}:${kind}`);
        try {
          if (kind <= 2)
            b.apply(recordRecognition(b.account, recognition(++outcomes, uniformInt(rng, 1, 12) / 2, uniformInt(rng, 0, 500)), at));
          else if (kind === 3 && held.length) b.apply(recordRevocation(b.account, pick(held).id, at));
          else if (kind === 4 && held.length) {
            const chosen = [...new Set(Array.from({ length: uniformInt(rng, 1, 4) }, () => pick(held).id))];
            b.apply(
              submit(b.account, {
                applicationId: aid(++apps),
                rule,
                outcomeIds: chosen,
                actor,
                nodeId: null,
                idempotencyKey: `k${apps}`,
                now,
              }),
            );
          } else if (kind === 5 && list.length)
            b.apply(preliminaryReview(b.account, pick(list).id, uniformInt(rng, 0, 3) > 0, op, 'n', now));
          else if (kind === 6 && list.length) b.apply(decide(b.account, pick(list).id, uniformInt(rng, 0, 3) > 0, centre, 'n', now));
          else if (kind === 7 && list.length) b.apply(cancel(b.account, pick(list).id, actor, now));
          else if (kind === 8)
            b.apply(
              redeem(b.account, {
                redemptionId: `rd-${++redemptions}`,
                itemCode: 'T',
                itemName: 'T',
                kind: 'TRANSIT_POINTS',
                quantity: 1,
                points: uniformInt(rng, 1, 400),
                actor,
                now,
              }),
            );
          else if (kind === 9 && held.length) b.apply(recordRecognition(b.account, recognition(Number(pick(held).id.slice(-12))), at)); // duplicate event
        } catch (error) {
          if (!(error as { code?: string }).code) throw error; // refusals (BAD_USER_INPUT, CONFLICT) are fine; bugs are not
        }
      }
    } catch (error) {
      throw new Error(`failed at step ${log.length - 1} with seed ${seed} (CONVERSION_SEED=${seed}): ${(error as Error).message}`);
    }
    expect(b.entries.length).toBe(b.account.seq);
    expect(sameBalances(fold(b.entries), b.account.balances)).toBe(true);
    // The run did a bit of everything.
    const statuses = new Set(Object.values(b.account.applications).map((a) => a.status));
    expect(statuses.size).toBeGreaterThanOrEqual(4);
  });
});
