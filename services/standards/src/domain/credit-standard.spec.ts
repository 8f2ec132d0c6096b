import { nextStandard, parseCreditStandardInput, standardInForce, standardStatus, type CreditStandardInput } from './credit-standard';

const LEVELS = [1, 2, 3, 4, 5, 6, 7];
const now = new Date('2026-11-27T08:00:00Z');
const input = (over: Partial<CreditStandardInput> = {}): CreditStandardInput => ({
  province: '33',
  name: '浙江省学分认定标准',
  pointsPerCredit: 100,
  rules: [
    { type: 'NON_ACADEMIC', method: 'PER_HOURS', hoursPerCredit: 18 },
    {
      type: 'VOCATIONAL',
      subtype: 'skill_certificate',
      method: 'LEVEL_TABLE',
      levelCredits: [
        { level: 2, credits: 6 },
        { level: 1, credits: 4 },
      ],
    },
  ],
  ...over,
});

describe('credit standard input', () => {
  it('normalises rules and fills the PER_HOURS defaults (step 0.5, DOWN)', () => {
    const s = parseCreditStandardInput(input(), LEVELS);
    expect(s.rules[0]).toMatchObject({
      method: 'PER_HOURS',
      hoursPerCredit: 18,
      roundingStep: 0.5,
      rounding: 'DOWN',
      subtype: null,
      credits: null,
    });
    expect(s.rules[1]).toMatchObject({
      subtype: 'SKILL_CERTIFICATE',
      levelCredits: [
        { level: 1, credits: 4 },
        { level: 2, credits: 6 },
      ],
    });
    expect(s).toMatchObject({ itemRules: [], annualCaps: [], effectiveFrom: null });
  });

  it.each([
    [{ province: '3' }, 'input.province'],
    [{ rules: [] }, 'input.rules'],
    [{ rules: [{ type: 'VOCATIONAL', method: 'FIXED' }] }, 'input.rules.0.credits'],
    [{ rules: [{ type: 'VOCATIONAL', method: 'FIXED', credits: 1, hoursPerCredit: 18 }] }, 'input.rules.0.hoursPerCredit'],
    [{ rules: [{ type: 'VOCATIONAL', method: 'PER_HOURS' }] }, 'input.rules.0.hoursPerCredit'],
    [
      { rules: [{ type: 'VOCATIONAL', method: 'LEVEL_TABLE', levelCredits: [{ level: 9, credits: 1 }] }] },
      'input.rules.0.levelCredits.0.level',
    ],
    [{ rules: [{ type: 'VOCATIONAL', subtype: 'SAFETY', method: 'ITEM_STANDARD' }] }, 'input.rules.0.subtype'],
    [
      {
        rules: [
          { type: 'VOCATIONAL', method: 'DECLARED' },
          { type: 'VOCATIONAL', method: 'ITEM_STANDARD' },
        ],
      },
      'input.rules.1',
    ],
    [{ pointsPerCredit: -1 }, 'input.pointsPerCredit'],
    [{ itemRules: [{ catalogItemCode: 'bad code', credits: 1 }] }, 'input.itemRules.0.catalogItemCode'],
    [{ annualCaps: [{ subtype: 'SAFETY', maxCredits: 1 }] }, 'input.annualCaps.0.subtype'],
    [
      {
        annualCaps: [
          { type: 'NON_ACADEMIC', maxCredits: 1 },
          { type: 'NON_ACADEMIC', maxCredits: 2 },
        ],
      },
      'input.annualCaps.1',
    ],
    [{ effectiveFrom: 'tomorrow' }, 'input.effectiveFrom'],
  ] as Array<[Partial<CreditStandardInput>, string]>)('%j is refused on %s', (over, field) => {
    expect(() => parseCreditStandardInput(input(over), LEVELS)).toThrow(expect.objectContaining({ details: { field } }) as Error);
  });
});

describe('versions and the standard in force', () => {
  const v1 = nextStandard(parseCreditStandardInput(input(), LEVELS), null, now, 'a');
  it('numbers versions and never takes effect in the past', () => {
    expect(v1).toMatchObject({ version: 1, supersedesVersion: null, effectiveFrom: now });
    expect(() => nextStandard(parseCreditStandardInput(input({ effectiveFrom: '2026-01-01' }), LEVELS), v1, now, 'a')).toThrow(/past/);
  });

  it('a scheduled version takes over when its time comes; a later one cannot take effect before it', () => {
    const later = new Date('2027-01-01T00:00:00+08:00');
    const v2 = nextStandard(parseCreditStandardInput(input({ effectiveFrom: '2027-01-01' }), LEVELS), v1, now, 'a');
    expect(v2).toMatchObject({ version: 2, supersedesVersion: 1, effectiveFrom: later });
    expect(() => nextStandard(parseCreditStandardInput(input(), LEVELS), v2, now, 'a')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }) as Error,
    );
    expect(standardInForce([v1, v2], now)?.version).toBe(1);
    expect(standardInForce([v1, v2], later)?.version).toBe(2);
    expect(standardInForce([v1, v2], new Date('2020-01-01'))).toBeNull();
    expect(standardStatus(v1, 1, now)).toBe('IN_FORCE');
    expect(standardStatus(v2, 1, now)).toBe('SCHEDULED');
    expect(standardStatus(v1, 2, later)).toBe('SUPERSEDED');
  });
});
