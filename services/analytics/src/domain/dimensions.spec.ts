import { ageBand, countyOf, joinLearners } from './dimensions';
import { lastDayOfMonth, parseAnalyticsFilter, parseLimit, previousMonth } from './analytics-filter';
import { learner, outcome } from './fixtures.spec-helper';

describe('age bands', () => {
  it.each([
    [2010, 2026, '<18'],
    [2008, 2026, '18-24'],
    [2002, 2026, '18-24'],
    [2001, 2026, '25-34'],
    [1992, 2026, '25-34'],
    [1991, 2026, '35-44'],
    [1982, 2026, '35-44'],
    [1981, 2026, '45-54'],
    [1972, 2026, '45-54'],
    [1971, 2026, '55-64'],
    [1962, 2026, '55-64'],
    [1961, 2026, '65+'],
    [1930, 2026, '65+'],
  ])('born %i, in %i → %s', (born, year, band) => {
    expect(ageBand(born, year)).toBe(band);
  });
});

describe('filters', () => {
  it('accepts days and months as bounds (inclusive) and rejects nonsense', () => {
    expect(parseAnalyticsFilter({ from: '2026-02', to: '2026-02' })).toMatchObject({ fromDay: '2026-02-01', toDay: '2026-02-28' });
    expect(parseAnalyticsFilter({ from: '2024-02-29' }).fromDay).toBe('2024-02-29');
    expect(() => parseAnalyticsFilter({ from: '2026-02-30' })).toThrow(/YYYY-MM-DD/);
    expect(() => parseAnalyticsFilter({ from: '2026-03-01', to: '2026-02-01' })).toThrow(/after/);
    expect(() => parseAnalyticsFilter({ divisionPrefix: '33a' })).toThrow(/digits/);
    expect(() => parseAnalyticsFilter({ province: '33', divisionPrefix: '4401' })).toThrow(/inside the province/);
    expect(() => parseLimit(0, 10, 100)).toThrow(/1 to 100/);
    expect(parseLimit(undefined, 10, 100)).toBe(10);
  });
  it('knows months', () => {
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10', 11)).toBe('2025-11');
  });
  it('joins outcomes to known learners only', () => {
    const a = learner('330000000011');
    const o = outcome(a);
    const stray = { ...outcome(learner('330000000029')), accountNo: '330000000029' };
    expect(joinLearners([o, stray], new Map([[a.accountNo, a]]))).toHaveLength(1);
    expect(countyOf('330106001')).toBe('330106');
  });
});
