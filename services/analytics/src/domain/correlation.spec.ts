import { economicCorrelation, pearson } from './correlation';
import { learner, outcome } from './fixtures.spec-helper';

describe('pearson', () => {
  it('matches a hand computation', () => {
    // x = 1,2,3,4; y = 2,4,5,9: Σdxdy = 11, Σdx² = 5, Σdy² = 26 → r = 11/√130 ≈ 0.9648
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(130), 6);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
  });
  it('is null with fewer than three points or a constant series', () => {
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('economic correlation', () => {
  it('uses outcomes per account per division, leaving out small divisions', () => {
    const pop = [
      ...['330000000011', '330000000029'].map((no) => learner(no, { adminDivision: '330106001' })),
      ...['330000000037', '330000000045'].map((no) => learner(no, { adminDivision: '330108001' })),
      ...['330000000053', '330000000061'].map((no) => learner(no, { adminDivision: '330110001' })),
      learner('330000000070', { adminDivision: '330111001' }),
    ];
    const outs = [
      outcome(pop[0]!),
      outcome(pop[1]!),
      outcome(pop[2]!),
      outcome(pop[4]!),
      outcome(pop[4]!),
      outcome(pop[5]!),
      outcome(pop[6]!),
    ];
    const ind = (division: string, value: number) => ({ province: '33', division, year: 2026, indicator: 'gdp', value });
    const c = economicCorrelation('gdp', 2026, [ind('330106', 10), ind('330108', 5), ind('330110', 20), ind('330111', 99)], outs, pop, 2);
    expect(c.points.map((p) => [p.division, p.outcomesPerAccount])).toEqual([
      ['330106', 1],
      ['330108', 0.5],
      ['330110', 1.5],
    ]);
    expect(c.excluded).toBe(1);
    expect(c.n).toBe(3);
    // x = 10, 5, 20; y = 1, 0.5, 1.5 → perfectly linear? 1/10≠… compute: dx = -1.667,-6.667,8.333; dy = 0,-0.5,0.5
    const r = (0 * -1.6667 + -0.5 * -6.6667 + 0.5 * 8.3333) / Math.sqrt((1.6667 ** 2 + 6.6667 ** 2 + 8.3333 ** 2) * 0.5);
    expect(c.r).toBeCloseTo(r, 3);
  });
});
