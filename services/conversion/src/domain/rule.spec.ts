import { fold, sameBalances } from './ledger';
import { outcomeMismatches, ruleClosedReasons, suggestOutcomes } from './rule';

const now = new Date('2026-12-01T00:00:00Z');
const source = { catalogItemCodes: ['VSC-ELEC-G4'], types: ['VOCATIONAL' as const], minLevel: 2, minScore: 60, withinYears: 3 };
const o = { id: 'oc-1', type: 'VOCATIONAL' as const, catalogItemCode: 'VSC-ELEC-G4', level: 3, score: 70, achievedAt: '2025-01-01' };

describe('rule criteria', () => {
  it('every given criterion must hold', () => {
    expect(outcomeMismatches({ source }, o, now)).toEqual([]);
    expect(outcomeMismatches({ source }, { ...o, catalogItemCode: 'X-1' }, now)).toHaveLength(1);
    expect(outcomeMismatches({ source }, { ...o, type: 'ACADEMIC', level: null, score: null, achievedAt: '2020-01-01' }, now)).toHaveLength(
      4,
    );
  });
  it('is open only while published and in force', () => {
    const base = { status: 'PUBLISHED' as const, effectiveFrom: null, effectiveTo: null };
    expect(ruleClosedReasons(base as never, now)).toEqual([]);
    expect(ruleClosedReasons({ ...base, status: 'RETIRED' } as never, now)).toEqual(['the rule is retired']);
    expect(ruleClosedReasons({ ...base, effectiveFrom: new Date('2027-01-01') } as never, now)[0]).toMatch(/takes effect/);
  });
  it('suggests the fewest outcomes that reach the credits, or none', () => {
    const list = [
      { id: 'a', credits: 200, achievedAt: '2024-01-01' },
      { id: 'b', credits: 600, achievedAt: '2024-01-01' },
      { id: 'c', credits: 300, achievedAt: '2023-01-01' },
    ];
    expect(suggestOutcomes(list, 800).map((x) => x.id)).toEqual(['b', 'c']);
    expect(suggestOutcomes(list, 2000)).toEqual([]);
  });
});

describe('ledger fold', () => {
  it('adds the deltas exactly (hundredths)', () => {
    const d = (r: number) => ({ delta: { recognized: r, reserved: 0, consumed: 0, pointsEarned: 0, pointsRedeemed: 0 } });
    expect(fold([d(10), d(20), d(-30)]).recognized).toBe(0);
    expect(sameBalances(fold([d(1)]), fold([d(1)]))).toBe(true);
  });
});
