import { ConflictError } from '@creditbank/kernel';
import type { Recognition } from '../domain/outcome';
import type { CreditTotals } from '../domain/recognition';
import type { CreditHistoryRow, OutcomeStore, TalliedOutcome } from './ports';
import { decideWithReservedCredits } from './reserve-credits';

/** Tallies in memory, with the store's compare and set; `interfere` runs before each reservation. */
function fakeTallies(interfere: (tallies: Map<string, { v: number; rows: CreditHistoryRow[] }>) => void = () => undefined) {
  const tallies = new Map<string, { v: number; rows: CreditHistoryRow[] }>();
  const released: TalliedOutcome[] = [];
  const store: Pick<OutcomeStore, 'creditTallies' | 'reserveCredits' | 'releaseCredits'> = {
    async creditTallies(accountNos) {
      const found = accountNos.flatMap((a) => (tallies.has(a) ? [[a, tallies.get(a)!] as const] : []));
      return { rows: found.flatMap(([, t]) => t.rows), versions: new Map(found.map(([a, t]) => [a, t.v])) };
    },
    async reserveCredits(list, versions) {
      interfere(tallies);
      const moved = new Set<string>();
      for (const o of list) {
        if (!o.accountNo || !o.recognition) continue;
        const t = tallies.get(o.accountNo) ?? { v: 0, rows: [] };
        if (t.v !== (versions.get(o.accountNo) ?? 0) && !moved.has(o.accountNo)) moved.add(o.accountNo);
      }
      for (const o of list) {
        if (!o.accountNo || !o.recognition || moved.has(o.accountNo)) continue;
        const t = tallies.get(o.accountNo) ?? { v: 0, rows: [] };
        t.rows = [...t.rows.filter((r) => r.outcomeId !== o.id), row(o.accountNo, o.id, o.recognition.credits)];
        tallies.set(o.accountNo, t);
      }
      for (const a of new Set(list.map((o) => o.accountNo).filter((a): a is string => !!a && !moved.has(a)))) tallies.get(a)!.v++;
      return { moved };
    },
    async releaseCredits(list) {
      released.push(...list);
    },
  };
  return { tallies, released, store };
}

const row = (accountNo: string, outcomeId: string, credits: number): CreditHistoryRow => ({
  accountNo,
  outcomeId,
  year: 2026,
  capKeys: ['NON_ACADEMIC'],
  catalogItemCode: 'CE-TEA-101',
  credits,
});

/** 2 credits an outcome, at most 5 a year: what the totals leave. */
function teaOutcomes(list: Array<[id: string, accountNo: string]>) {
  const calls: Array<string[] | null> = [];
  const decide = (totals: CreditTotals, only: ReadonlySet<string> | null) => {
    calls.push(only ? [...only] : null);
    return list
      .filter(([, a]) => !only || only.has(a))
      .map(([id, accountNo]) => {
        const used = totals.history(accountNo, 2026, ['NON_ACADEMIC'], 'CE-TEA-101').yearToDate['NON_ACADEMIC'] ?? 0;
        const credits = Math.max(0, Math.min(2, 5 - used));
        totals.addYear(accountNo, 2026, 'NON_ACADEMIC', credits);
        return {
          id,
          accountNo,
          catalogItemCode: 'CE-TEA-101',
          status: 'RECOGNIZED' as const,
          recognition: { credits, year: 2026, capKeys: ['NON_ACADEMIC'] } as unknown as Recognition,
        };
      });
  };
  return { calls, decide };
}

const scope = (ownIds: string[] = []) => ({ accountNos: ['A', 'B'], years: [2026], codes: ['CE-TEA-101'], ownIds: new Set(ownIds) });

describe('decideWithReservedCredits', () => {
  it('decides once and reserves when nobody else wrote', async () => {
    const { store, tallies } = fakeTallies();
    const { calls, decide } = teaOutcomes([
      ['o1', 'A'],
      ['o2', 'A'],
      ['o3', 'B'],
    ]);
    const out = await decideWithReservedCredits(store, scope(), decide);
    expect(out.map((o) => [o.id, o.recognition!.credits])).toEqual([
      ['o1', 2],
      ['o2', 2],
      ['o3', 2],
    ]);
    expect(calls).toEqual([null]);
    expect(tallies.get('A')?.rows.map((r) => r.credits)).toEqual([2, 2]);
  });

  it('decides again only the learners whose tally another writer changed, on the tally as it is now', async () => {
    let once = true;
    // Another writer counts 4 credits for A between this call's read and its reservation.
    const { store, tallies } = fakeTallies((t) => {
      if (!once) return;
      once = false;
      t.set('A', { v: 1, rows: [row('A', 'elsewhere', 4)] });
    });
    const { calls, decide } = teaOutcomes([
      ['o1', 'A'],
      ['o2', 'A'],
      ['o3', 'B'],
    ]);
    const out = await decideWithReservedCredits(store, scope(), decide);
    expect(calls).toEqual([null, ['A']]);
    // In the order of the first decision; A has 1 credit left of 5.
    expect(out.map((o) => [o.id, o.recognition!.credits])).toEqual([
      ['o1', 1],
      ['o2', 0],
      ['o3', 2],
    ]);
    expect(tallies.get('A')?.rows.reduce((s, r) => s + r.credits, 0)).toBe(5);
  });

  it("does not count a row's own entry left by an attempt that did not store it", async () => {
    const { store, tallies } = fakeTallies();
    tallies.set('A', { v: 1, rows: [row('A', 'o1', 2), row('A', 'o2', 2)] });
    const { decide } = teaOutcomes([
      ['o1', 'A'],
      ['o2', 'A'],
    ]);
    const out = await decideWithReservedCredits(store, scope(['o1', 'o2']), decide);
    expect(out.map((o) => o.recognition!.credits)).toEqual([2, 2]);
  });

  it('gives up with CONFLICT after ten rounds and takes back what it reserved', async () => {
    // A's tally moves before every reservation; B's is reserved in the first round.
    const { store, released } = fakeTallies((t) => t.set('A', { v: (t.get('A')?.v ?? 0) + 1, rows: [] }));
    const { calls, decide } = teaOutcomes([
      ['o1', 'A'],
      ['o3', 'B'],
    ]);
    await expect(decideWithReservedCredits(store, scope(), decide)).rejects.toBeInstanceOf(ConflictError);
    expect(calls).toHaveLength(10);
    expect(released.map((o) => o.id)).toEqual(['o3']);
  });
});
