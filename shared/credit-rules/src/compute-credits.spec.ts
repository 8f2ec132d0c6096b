import { annualCapKeys, computeCredits, creditYear, matchCreditRule, roundToStep, type CreditInput } from './compute-credits';
import type { CatalogItemFacts, CreditRule, CreditStandardRules } from './types';

const rule = (r: Partial<CreditRule> & Pick<CreditRule, 'type' | 'method'>): CreditRule => ({
  subtype: null,
  credits: null,
  hoursPerCredit: null,
  roundingStep: null,
  rounding: null,
  levelCredits: [],
  maxPerOutcome: null,
  maxPerItem: null,
  minScore: null,
  pointsPerCredit: null,
  ...r,
});

const standard: CreditStandardRules = {
  province: '33',
  version: 3,
  pointsPerCredit: 100,
  rules: [
    rule({ type: 'ACADEMIC', subtype: 'ACADEMIC_COURSE', method: 'DECLARED', minScore: 60, maxPerOutcome: 10 }),
    rule({ type: 'ACADEMIC', subtype: 'DEGREE_PROGRAMME', method: 'ITEM_STANDARD' }),
    rule({
      type: 'VOCATIONAL',
      subtype: 'SKILL_CERTIFICATE',
      method: 'LEVEL_TABLE',
      levelCredits: [
        { level: 1, credits: 4 },
        { level: 2, credits: 6 },
        { level: 3, credits: 8 },
      ],
      pointsPerCredit: 150,
    }),
    rule({
      type: 'VOCATIONAL',
      subtype: 'VOCATIONAL_TRAINING',
      method: 'PER_HOURS',
      hoursPerCredit: 18,
      roundingStep: 0.5,
      maxPerOutcome: 4,
    }),
    rule({ type: 'NON_ACADEMIC', subtype: 'SAFETY', method: 'FIXED', credits: 0.5, maxPerItem: 1 }),
    rule({ type: 'NON_ACADEMIC', subtype: 'HEALTH', method: 'PER_HOURS', hoursPerCredit: 16, roundingStep: 0.5, rounding: 'NEAREST' }),
    rule({ type: 'NON_ACADEMIC', subtype: 'CULTURAL_ACTIVITY', method: 'PER_HOURS', hoursPerCredit: 10, roundingStep: 1, rounding: 'UP' }),
    rule({ type: 'NON_ACADEMIC', method: 'PER_HOURS', hoursPerCredit: 18, maxPerItem: 2 }),
  ],
  itemRules: [{ catalogItemCode: 'HL-FIRST-AID', credits: 1.5, maxPerItem: null, pointsPerCredit: 200 }],
  annualCaps: [
    { type: 'NON_ACADEMIC', subtype: null, maxCredits: 10 },
    { type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', maxCredits: 12 },
  ],
};

const item = (i: Partial<CatalogItemFacts> & Pick<CatalogItemFacts, 'code' | 'type'>): CatalogItemFacts => ({
  version: 1,
  subtype: null,
  level: null,
  hours: null,
  standardCredits: null,
  validityYears: null,
  ...i,
});

const course = item({ code: '33-ZJOU-AGEC101', type: 'ACADEMIC', subtype: 'ACADEMIC_COURSE', standardCredits: 3 });
const degree = item({ code: '33-ZJOU-DEG-AGEC', type: 'ACADEMIC', subtype: 'DEGREE_PROGRAMME', standardCredits: 80, level: 4 });
const elec4 = item({ code: 'VSC-ELEC-G4', type: 'VOCATIONAL', subtype: 'SKILL_CERTIFICATE', level: 2, version: 2 });
const elec1 = item({ code: 'VSC-ELEC-G1', type: 'VOCATIONAL', subtype: 'SKILL_CERTIFICATE', level: 5 });
const drone = item({ code: 'VT-DRONE', type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', hours: 40 });
const fire = item({ code: 'SF-FIRE', type: 'NON_ACADEMIC', subtype: 'SAFETY', hours: 4 });
const chronic = item({ code: 'HL-CHRONIC', type: 'NON_ACADEMIC', subtype: 'HEALTH', hours: 20 });
const firstAid = item({ code: 'HL-FIRST-AID', type: 'NON_ACADEMIC', subtype: 'HEALTH', hours: 16 });
const reading = item({ code: 'CA-READING', type: 'NON_ACADEMIC', subtype: 'CULTURAL_ACTIVITY' });
const taichi = item({ code: 'EE-TAICHI', type: 'NON_ACADEMIC', subtype: 'ELDERLY_EDUCATION', hours: 36 });
const firstAidCert = item({ code: 'VQ-FIRST', type: 'VOCATIONAL', subtype: 'VOCATIONAL_QUALIFICATION', validityYears: 3 });

const run = (i: CatalogItemFacts, outcome: Partial<CreditInput['outcome']>, extra: Partial<CreditInput> = {}) =>
  computeCredits({ item: i, standard, outcome: { type: i.type, achievedAt: '2026-06-30', ...outcome }, ...extra });

describe('computeCredits: methods', () => {
  it.each([
    // name, item, outcome, credits, points, basis
    ['fixed per item (item rule wins over the subtype rule)', firstAid, { hours: 40 }, 1.5, 300, 'ITEM_RULE'],
    ['fixed per subtype', fire, {}, 0.5, 50, 'FIXED'],
    ['level table: level 2', elec4, {}, 6, 900, 'LEVEL_TABLE'],
    ['item standard credits', degree, {}, 80, 8000, 'ITEM_STANDARD'],
    ['declared credits of the issuer', course, { credits: 2.5, score: 88 }, 2.5, 250, 'DECLARED'],
    ['declared falls back to the item standard credits', course, { score: 75 }, 3, 300, 'DECLARED'],
    ['per hours: 36 h / 18 = 2', drone, { hours: 36 }, 2, 200, 'PER_HOURS'],
    ['per hours: falls back to the item reference hours (40 h → 2.22 → 2)', drone, {}, 2, 200, 'PER_HOURS'],
    ['type-wide rule when no subtype rule (elderly education, 36 h / 18)', taichi, {}, 2, 200, 'PER_HOURS'],
  ] as const)('%s', (_name, i, outcome, credits, points, basis) => {
    const r = run(i, outcome);
    expect(r).toMatchObject({ eligible: true, reason: null, credits, points, basis });
    expect(r.catalogItem).toEqual({ code: i.code, version: i.version });
    expect(r.standard).toEqual({ province: '33', version: 3 });
    expect(r.explanation.length).toBeGreaterThan(10);
  });
});

describe('computeCredits: rounding of hour-based credits', () => {
  it.each([
    // 18 h per credit, step 0.5, DOWN
    [drone, 8, 0],
    [drone, 9, 0.5],
    [drone, 17.9, 0.5],
    [drone, 18, 1],
    [drone, 26.99, 1],
    [drone, 27, 1.5],
    [drone, 35.99, 1.5],
    [drone, 54, 3],
    // 16 h per credit, step 0.5, NEAREST (half up): 20 h = 1.25 → 1.5; 19 h = 1.1875 → 1
    [chronic, 20, 1.5],
    [chronic, 19, 1],
    [chronic, 12, 1],
    [chronic, 3.9, 0],
    // 10 h per credit, step 1, UP
    [reading, 1, 1],
    [reading, 10, 1],
    [reading, 10.5, 2],
  ] as const)('%s with %d h → %d credits', (i, hours, credits) => {
    expect(run(i, { hours }).credits).toBe(credits);
  });

  it('rounds to steps exactly, without floating-point drift', () => {
    expect(roundToStep(0.3 / 0.1, 1, 'DOWN')).toBe(3);
    expect(roundToStep(0.7, 0.1, 'DOWN')).toBe(0.7);
    expect(roundToStep(1.15, 0.05, 'UP')).toBe(1.15);
    expect(roundToStep(2.675, 0.01, 'NEAREST')).toBe(2.68);
    expect(roundToStep(1.333333, 0.25, 'DOWN')).toBe(1.25);
  });
});

describe('computeCredits: caps', () => {
  it('caps one outcome (per outcome)', () => {
    const r = run(drone, { hours: 200 });
    expect(r).toMatchObject({ credits: 4, uncappedCredits: 11, cappedBy: 'PER_OUTCOME', capKey: null, points: 400 });
  });

  it.each([
    // item, earlier credits from the same item, expected
    [fire, 0, 0.5, null],
    [fire, 0.5, 0.5, null],
    [fire, 0.75, 0.25, 'PER_ITEM'],
    [fire, 1, 0, 'PER_ITEM'],
    [fire, 5, 0, 'PER_ITEM'],
    [taichi, 1.5, 0.5, 'PER_ITEM'],
  ] as const)('caps repeated learning of one item (%s, %d earlier)', (i, itemToDate, credits, cappedBy) => {
    const r = run(i, {}, { history: { itemToDate } });
    expect(r.credits).toBe(credits);
    expect(r.cappedBy).toBe(cappedBy);
    expect(r.eligible).toBe(true);
  });

  it.each([
    [0, 2, null, null],
    [8, 2, null, null],
    [8.5, 1.5, 'PER_YEAR', 'NON_ACADEMIC/*'],
    [10, 0, 'PER_YEAR', 'NON_ACADEMIC/*'],
    [12, 0, 'PER_YEAR', 'NON_ACADEMIC/*'],
  ] as const)('caps credits per year (%d already this year)', (sofar, credits, cappedBy, capKey) => {
    const r = run(taichi, {}, { history: { yearToDate: { 'NON_ACADEMIC/*': sofar } } });
    expect(r).toMatchObject({ credits, cappedBy, capKey, annualCapKeys: ['NON_ACADEMIC/*'], year: 2026 });
    expect(r.points).toBe(Math.floor(credits * 100));
  });

  it('applies the caps in order: per outcome, then per item, then per year', () => {
    const r = run(drone, { hours: 200 }, { history: { yearToDate: { 'VOCATIONAL/VOCATIONAL_TRAINING': 9.5 } } });
    expect(r).toMatchObject({ uncappedCredits: 11, credits: 2.5, cappedBy: 'PER_YEAR', capKey: 'VOCATIONAL/VOCATIONAL_TRAINING' });
    expect(r.explanation).toMatch(/per outcome.*per year/);
  });

  it('ignores the year-to-date of other cap keys', () => {
    const r = run(taichi, {}, { history: { yearToDate: { 'VOCATIONAL/VOCATIONAL_TRAINING': 100 } } });
    expect(r.credits).toBe(2);
  });

  it('names the annual caps an outcome counts towards', () => {
    expect(annualCapKeys(drone, standard)).toEqual(['VOCATIONAL/VOCATIONAL_TRAINING']);
    expect(annualCapKeys(elec4, standard)).toEqual([]);
    expect(annualCapKeys(fire, standard)).toEqual(['NON_ACADEMIC/*']);
  });
});

describe('computeCredits: points', () => {
  it.each([
    ['standard points per credit', taichi, {}, 2, 200],
    ['rule points per credit (150)', elec4, {}, 6, 900],
    ['item rule points per credit (200)', firstAid, {}, 1.5, 300],
    ['points are whole, rounded down', drone, { hours: 9 }, 0.5, 50],
  ] as const)('%s', (_n, i, outcome, credits, points) => {
    expect(run(i, outcome)).toMatchObject({ credits, points });
  });

  it('floors fractional points', () => {
    const s = { ...standard, pointsPerCredit: 33 };
    expect(computeCredits({ item: fire, standard: s, outcome: { type: 'NON_ACADEMIC', achievedAt: '2026-01-01' } }).points).toBe(16);
  });
});

describe('computeCredits: not eligible', () => {
  it.each([
    ['type mismatch', elec4, { type: 'ACADEMIC' as const }, {}, 'TYPE_MISMATCH'],
    ['level not in the table', elec1, {}, {}, 'LEVEL_NOT_IN_TABLE'],
    ['score below the minimum', course, { score: 59.5 }, {}, 'BELOW_MIN_SCORE'],
    ['score missing where a minimum applies', course, {}, {}, 'SCORE_MISSING'],
    ['no hours anywhere', { ...drone, hours: null }, {}, {}, 'HOURS_MISSING'],
    ['no rule for the type', { ...course, type: 'ACADEMIC' as const, subtype: null }, { score: 90 }, {}, 'NO_RULE'],
    ['a draft item version', { ...elec4, status: 'DRAFT' as const }, {}, {}, 'ITEM_NOT_PUBLISHED'],
    ['older than the item validity', firstAidCert, { achievedAt: '2022-06-01' }, { asOf: '2026-06-02T00:00:00Z' }, 'EXPIRED'],
  ] as const)('%s', (_n, i, outcome, extra, reason) => {
    const r = run(i, outcome, extra);
    expect(r).toMatchObject({ eligible: false, reason, credits: 0, points: 0, cappedBy: null });
    expect(r.explanation).toMatch(/not eligible/);
  });

  it('no rule at all when the standard does not cover the type', () => {
    const empty: CreditStandardRules = { ...standard, rules: [], itemRules: [] };
    expect(computeCredits({ item: elec4, standard: empty, outcome: { type: 'VOCATIONAL', achievedAt: '2026-01-01' } }).reason).toBe(
      'NO_RULE',
    );
  });

  it('keeps outcomes within the validity', () => {
    const r = run({ ...firstAidCert }, { achievedAt: '2024-06-01' }, { asOf: new Date('2026-06-02T00:00:00Z') });
    expect(r.reason).not.toBe('EXPIRED');
  });
});

describe('helpers', () => {
  it('years are calendar years in China Standard Time', () => {
    expect(creditYear('2026-12-31')).toBe(2026);
    expect(creditYear('2026-12-31T17:00:00Z')).toBe(2027);
    expect(creditYear('2026-12-31T15:00:00Z')).toBe(2026);
  });

  it('matches the most specific rule', () => {
    expect(matchCreditRule(firstAid, standard)?.key).toBe('item:HL-FIRST-AID');
    expect(matchCreditRule(chronic, standard)?.key).toBe('NON_ACADEMIC/HEALTH');
    expect(matchCreditRule(taichi, standard)?.key).toBe('NON_ACADEMIC/*');
    expect(matchCreditRule(elec4, { ...standard, rules: [] })).toBeNull();
  });

  it('is deterministic and does not mutate its input', () => {
    const frozen = JSON.parse(JSON.stringify(standard)) as CreditStandardRules;
    const input = { item: drone, standard: frozen, outcome: { type: 'VOCATIONAL' as const, hours: 50, achievedAt: '2026-03-01' } };
    expect(computeCredits(input)).toEqual(computeCredits(input));
    expect(frozen).toEqual(standard);
  });
});
