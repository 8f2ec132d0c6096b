import { CreditStandardPublished } from '@creditbank/contracts';
import { computeCredits, type CreditStandardRules } from '@creditbank/credit-rules';
import { makeAccountNo } from '@creditbank/kernel';
import { eventually, tokens } from '@creditbank/testing';
import { PUBLISH, UPSERT, startStandards, type StandardsHarness } from './harness';

let h: StandardsHarness;
const zj = () => tokens.centerAdmin('33');

beforeAll(async () => {
  h = await startStandards();
  const items = [
    { code: 'VT-DRONE', name: '植保无人机操作与维护', type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', level: 2, hours: 48 },
    {
      code: 'VSC-ELEC-G4',
      name: '电工（四级/中级工）',
      type: 'VOCATIONAL',
      subtype: 'SKILL_CERTIFICATE',
      level: 2,
      track: 'VSC-ELEC',
      standardCredits: 6,
    },
    { code: 'HL-FIRST-AID', name: '应急救护', type: 'NON_ACADEMIC', subtype: 'HEALTH', level: 1, hours: 16, validityYears: 3 },
  ];
  for (const i of items) {
    await h.ok(UPSERT, { i }, tokens.platformAdmin());
    await h.ok(PUBLISH, { c: i.code }, tokens.platformAdmin());
  }
  await h.ok(
    UPSERT,
    { i: { code: '44-GDOU-MKT101', name: '市场营销学', type: 'ACADEMIC', subtype: 'ACADEMIC_COURSE', standardCredits: 3 } },
    tokens.centerAdmin('44'),
  );
  await h.ok(PUBLISH, { c: '44-GDOU-MKT101' }, tokens.centerAdmin('44'));
});

afterAll(async () => {
  await h?.stop();
});

const PUBLISH_STANDARD = `mutation($i: CreditStandardInput!) { publishCreditStandard(input: $i) { province version status effectiveFrom supersedesVersion pointsPerCredit rules { type subtype method hoursPerCredit roundingStep rounding levelCredits { level credits } maxPerOutcome } itemRules { catalogItemCode credits catalogItem { name } } annualCaps { type subtype maxCredits } } }`;
const STANDARD = `query($p: String, $v: Int, $at: String) { creditStandard(province: $p, version: $v, at: $at) { province version name status pointsPerCredit supersedesVersion rules { type subtype method hoursPerCredit } } }`;
const PREVIEW = `query($i: CreditPreviewInput!) { creditPreview(input: $i) { eligible reason credits points uncappedCredits basis rule cappedBy capKey annualCapKeys year standardProvince standardVersion catalogItemCode catalogItemVersion explanation } }`;

const standard = (over: Record<string, unknown> = {}) => ({
  province: '33',
  name: '浙江省学分认定标准',
  pointsPerCredit: 100,
  rules: [
    { type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', method: 'PER_HOURS', hoursPerCredit: 18, roundingStep: 0.5, maxPerOutcome: 4 },
    {
      type: 'VOCATIONAL',
      subtype: 'SKILL_CERTIFICATE',
      method: 'LEVEL_TABLE',
      levelCredits: [
        { level: 1, credits: 4 },
        { level: 2, credits: 6 },
      ],
    },
    { type: 'NON_ACADEMIC', method: 'PER_HOURS', hoursPerCredit: 18 },
  ],
  itemRules: [{ catalogItemCode: 'HL-FIRST-AID', credits: 1, maxPerItem: 1 }],
  annualCaps: [{ type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', maxCredits: 12 }],
  ...over,
});

type Std = { province: string; version: number; status: string; name: string; pointsPerCredit: number };

describe('publishing credit standards', () => {
  it('none in force before the first one', async () => {
    expect((await h.ok<{ creditStandard: unknown }>(STANDARD, { p: '33' })).creditStandard).toBeNull();
    const anonymous = await h.gql(STANDARD, {});
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'province' });
  });

  it('publishes a typed standard with an event carrying all its rules', async () => {
    const r = await h.ok<{ publishCreditStandard: Std & { itemRules: Array<{ catalogItem: { name: string } }> } }>(
      PUBLISH_STANDARD,
      { i: standard() },
      zj(),
    );
    expect(r.publishCreditStandard).toMatchObject({ province: '33', version: 1, status: 'IN_FORCE', supersedesVersion: null });
    expect(r.publishCreditStandard.itemRules[0]!.catalogItem.name).toBe('应急救护');
    const event = await eventually(() => {
      const [e] = h.tap.events(CreditStandardPublished.type);
      if (!e) throw new Error('no event');
      return e;
    });
    expect(event.province).toBe('33');
    const data = event.data as CreditStandardRules & { title: string; version: number };
    expect(data).toMatchObject({ province: '33', version: 1, title: '浙江省学分认定标准', pointsPerCredit: 100 });
    expect(data.rules).toHaveLength(3);
    expect(data.rules[0]).toEqual({
      type: 'VOCATIONAL',
      subtype: 'VOCATIONAL_TRAINING',
      method: 'PER_HOURS',
      credits: null,
      hoursPerCredit: 18,
      roundingStep: 0.5,
      rounding: 'DOWN',
      levelCredits: [],
      maxPerOutcome: 4,
      maxPerItem: null,
      minScore: null,
      pointsPerCredit: null,
    });
    // A consumer computes from the event alone exactly what the standards service previews.
    const fromEvent = computeCredits({
      standard: data,
      item: {
        code: 'VT-DRONE',
        version: 1,
        type: 'VOCATIONAL',
        subtype: 'VOCATIONAL_TRAINING',
        level: 2,
        hours: 48,
        standardCredits: null,
        validityYears: null,
      },
      outcome: { type: 'VOCATIONAL', hours: 27, achievedAt: '2026-06-30' },
    });
    const preview = await h.ok<{ creditPreview: { credits: number; points: number } }>(PREVIEW, {
      i: { province: '33', catalogItemCode: 'VT-DRONE', hours: 27, achievedAt: '2026-06-30' },
    });
    expect(preview.creditPreview).toMatchObject({ credits: fromEvent.credits, points: fromEvent.points });
    expect(fromEvent.credits).toBe(1.5);
  });

  it('a new version never rewrites the earlier one; the in-force one is served by province, version or moment', async () => {
    const v1Before = await h.db
      .collection('credit_standards')
      .findOne({ _id: '33:1' as never }, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } });
    const v2 = await h.ok<{ publishCreditStandard: Std }>(
      PUBLISH_STANDARD,
      { i: standard({ name: '浙江省学分认定标准（修订）', pointsPerCredit: 120 }) },
      zj(),
    );
    expect(v2.publishCreditStandard).toMatchObject({ version: 2, supersedesVersion: 1, status: 'IN_FORCE' });
    const v1After = await h.db
      .collection('credit_standards')
      .findOne({ _id: '33:1' as never }, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } });
    expect(v1After).toEqual(v1Before);

    expect((await h.ok<{ creditStandard: Std }>(STANDARD, { p: '33' })).creditStandard).toMatchObject({ version: 2, pointsPerCredit: 120 });
    expect((await h.ok<{ creditStandard: Std }>(STANDARD, { p: '33', v: 1 })).creditStandard).toMatchObject({
      version: 1,
      status: 'SUPERSEDED',
      pointsPerCredit: 100,
    });
    // A caller with a token defaults to its own province.
    expect((await h.ok<{ creditStandard: Std }>(STANDARD, {}, tokens.learner(makeAccountNo('33', 19)))).creditStandard.version).toBe(2);

    // Scheduled for later: published now, in force from its date; the history lists every version.
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const v3 = await h.ok<{ publishCreditStandard: Std }>(
      PUBLISH_STANDARD,
      { i: standard({ effectiveFrom: later, pointsPerCredit: 150 }) },
      zj(),
    );
    expect(v3.publishCreditStandard).toMatchObject({ version: 3, status: 'SCHEDULED' });
    expect((await h.ok<{ creditStandard: Std }>(STANDARD, { p: '33' })).creditStandard.version).toBe(2);
    const at = new Date(Date.now() + 31 * 86_400_000).toISOString();
    expect((await h.ok<{ creditStandard: Std }>(STANDARD, { p: '33', at })).creditStandard.version).toBe(3);
    const history = await h.ok<{ creditStandardVersions: { totalCount: number; edges: Array<{ node: Std }> } }>(
      `{ creditStandardVersions(province: "33", first: 2) { totalCount edges { node { version status } } pageInfo { hasNextPage } } }`,
    );
    expect(history.creditStandardVersions.totalCount).toBe(3);
    expect(history.creditStandardVersions.edges.map((e) => [e.node.version, e.node.status])).toEqual([
      [3, 'SCHEDULED'],
      [2, 'IN_FORCE'],
    ]);
    // Nothing can take effect before the scheduled version (history stays linear).
    const earlier = await h.gql(PUBLISH_STANDARD, { i: standard() }, zj());
    expect(earlier.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const past = await h.gql(PUBLISH_STANDARD, { i: standard({ province: '44', effectiveFrom: '2020-01-01' }) }, tokens.centerAdmin('44'));
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.effectiveFrom' });
  });

  it('refuses item rules for unknown items or another province’s items, and another province’s admin', async () => {
    const unknown = await h.gql(
      PUBLISH_STANDARD,
      { i: standard({ province: '44', itemRules: [{ catalogItemCode: 'NO-SUCH', credits: 1 }] }) },
      tokens.centerAdmin('44'),
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.itemRules.0.catalogItemCode' });
    const foreignItem = await h.gql(
      PUBLISH_STANDARD,
      { i: standard({ province: '45', itemRules: [{ catalogItemCode: '44-GDOU-MKT101', credits: 1 }] }) },
      tokens.centerAdmin('45'),
    );
    expect(foreignItem.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.itemRules.0.catalogItemCode' });
    const wrongProvince = await h.gql(PUBLISH_STANDARD, { i: standard({ province: '33' }) }, tokens.centerAdmin('44'));
    expect(wrongProvince.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const badRule = await h.gql(
      PUBLISH_STANDARD,
      { i: standard({ province: '44', rules: [{ type: 'VOCATIONAL', method: 'FIXED' }] }) },
      tokens.centerAdmin('44'),
    );
    expect(badRule.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rules.0.credits' });
    expect(await h.db.collection('credit_standards').countDocuments({ province: { $in: ['44', '45'] } })).toBe(0);
  });

  it('concurrent publications get distinct versions or a conflict, never a lost version', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        h.gql<{ publishCreditStandard: Std }>(
          PUBLISH_STANDARD,
          { i: standard({ province: '46', name: `海南标准 ${i}` }) },
          tokens.centerAdmin('46'),
        ),
      ),
    );
    const ok = results.filter((r) => !r.errors).map((r) => r.data!.publishCreditStandard.version);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions?.['code'] === 'CONFLICT');
    expect(ok.length + conflicts.length).toBe(5);
    expect(new Set(ok).size).toBe(ok.length);
    expect(await h.db.collection('credit_standards').countDocuments({ province: '46' })).toBe(ok.length);
  });
});

describe('credit preview (the shared computation)', () => {
  type Preview = { creditPreview: Record<string, unknown> };
  it.each([
    ['per hours, rounded down to 0.5', { catalogItemCode: 'VT-DRONE', hours: 35 }, { credits: 1.5, points: 180, basis: 'PER_HOURS' }],
    ['per hours, item reference hours', { catalogItemCode: 'VT-DRONE' }, { credits: 2.5, points: 300 }],
    ['per outcome cap', { catalogItemCode: 'VT-DRONE', hours: 400 }, { credits: 4, uncappedCredits: 22, cappedBy: 'PER_OUTCOME' }],
    [
      'per year cap',
      { catalogItemCode: 'VT-DRONE', hours: 72, creditsThisYear: 11 },
      { credits: 1, cappedBy: 'PER_YEAR', capKey: 'VOCATIONAL/VOCATIONAL_TRAINING' },
    ],
    ['level table', { catalogItemCode: 'VSC-ELEC-G4' }, { credits: 6, points: 720, basis: 'LEVEL_TABLE' }],
    [
      'fixed per item, per item cap',
      { catalogItemCode: 'HL-FIRST-AID', creditsFromItem: 0.5 },
      { credits: 0.5, cappedBy: 'PER_ITEM', basis: 'ITEM_RULE' },
    ],
    [
      'expired (validity 3 years)',
      { catalogItemCode: 'HL-FIRST-AID', achievedAt: '2020-01-01' },
      { eligible: false, reason: 'EXPIRED', credits: 0 },
    ],
  ])('%s', async (_n, input, expected) => {
    const r = await h.ok<Preview>(PREVIEW, { i: { province: '33', achievedAt: '2026-06-30', ...input } });
    expect(r.creditPreview).toMatchObject({ standardProvince: '33', standardVersion: 2, eligible: true, ...expected });
  });

  it('is not found for unknown items, another province’s items, or a province without a standard', async () => {
    for (const i of [
      { province: '33', catalogItemCode: 'NO-SUCH' },
      { province: '33', catalogItemCode: '44-GDOU-MKT101' },
      { province: '50', catalogItemCode: 'VT-DRONE' },
    ]) {
      const r = await h.gql(PREVIEW, { i });
      expect(r.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    }
  });
});
