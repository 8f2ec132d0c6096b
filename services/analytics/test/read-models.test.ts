import { makeAccountNo } from '@creditbank/kernel';
import { eventually, tokens } from '@creditbank/testing';
import type { OutgoingEvent } from '@creditbank/contracts';
import { rebuild } from '../src/rebuild';
import {
  INST,
  conversion,
  institution,
  item,
  opened,
  operatorAssigned,
  recognisedOutcome,
  reissued,
  revoked,
  startAnalytics,
  uuid,
  type AnalyticsHarness,
} from './harness';

/**
 * A small seeded world, published as events, and every query compared with hand-computed figures.
 *
 * Province 33: A (330106001, F, 1980, hh-1, opened at sn-a), B (330106001, M, 1999, hh-1, sn-a),
 * C (330106002, M, 1960, hh-2, online), D (330108001, F, 1990, no household, sn-b).
 * Recognised: A VSC-ELEC-G5 4 cr (2026-03-10, institution), A CE-TEA-101 2 cr (2026-04-02, deposited
 * at sn-a by its operator), B CE-TEA-101 2 cr (2026-04-05), C VSC-ELEC-G5 4 cr (2026-04-20, revoked),
 * D VSC-ELEC-G5 4 cr (2026-04-21). A conversion of A submitted at sn-a and approved.
 * Province 44: E with one VSC-ELEC-G5 outcome.
 */
let h: AnalyticsHarness;
const A = makeAccountNo('33', 9101);
const B = makeAccountNo('33', 9102);
const C = makeAccountNo('33', 9103);
const D = makeAccountNo('33', 9104);
const E = makeAccountNo('44', 9105);
const revokedId = uuid('oc');
const world: OutgoingEvent[] = [];
const analyst33 = tokens.analyst('33');
const analyst44 = tokens.analyst('44');

const EVERYTHING = `query($f: AnalyticsFilter) {
  type: trainingDistribution(filter: $f, groupBy: TYPE) { key count credits learners }
  division: trainingDistribution(filter: $f, groupBy: DIVISION) { key count credits learners }
  month: trainingDistribution(filter: $f, groupBy: MONTH) { key count credits learners }
  item: trainingDistribution(filter: $f, groupBy: CATALOG_ITEM) { key label count }
  institution: trainingDistribution(filter: $f, groupBy: INSTITUTION) { key label count }
  demographics(filter: $f) { ageBand gender type count credits learners }
  hotPrograms(filter: $f) { rank catalogItemCode name learners outcomes credits }
  learningStars(filter: $f) { rank accountNo credits outcomes }
  learningFamilies(filter: $f) { rank householdId members activeMembers credits creditsPerMember }
  learningCommunities(filter: $f, minPopulation: 1) { rank division accounts participants participationRate creditsPerAccount }
  defaultCommunities: learningCommunities(filter: $f) { division }
  economicCorrelation(indicator: "gdp_per_capita", year: 2026, filter: $f, minPopulation: 1) { r n excluded points { division indicatorValue accounts outcomes outcomesPerAccount } }
}`;
const LEARNER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { accountNo profile { totalCredits outcomes creditsByType { type credits outcomes } highestLevels { track level catalogItemCode } highestVocationalLevel segments recentActivity { kind } } recommendations(limit: 5) { kind catalogItemCode title reason score } } } }`;
const NODES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceNode { id stats { accountsOpened outcomesDeposited conversionsSubmitted conversionsApproved } } } }`;

async function snapshot(token = analyst33, province = '33') {
  const r = await h.gql(EVERYTHING, {}, token);
  expect(r.errors).toBeUndefined();
  const l = await h.gql(LEARNER, { r: [A, B, C, D].map((accountNo) => ({ __typename: 'Learner', accountNo })) }, token);
  expect(l.errors).toBeUndefined();
  const n = await h.gql(NODES, { r: ['sn-a', 'sn-b'].map((id) => ({ __typename: 'ServiceNode', id })) }, token);
  expect(n.errors).toBeUndefined();
  const report = await h.gql(
    `{ trainingReport(province: "${province}", period: "2026-04") { summary { outcomes credits learners newAccounts } growth { outcomes } conversionYield { submitted approved } csv } }`,
    {},
    token,
  );
  expect(report.errors).toBeUndefined();
  const data = report.data as { trainingReport: { csv: string } };
  // The generation time is the only figure allowed to differ between two reads.
  data.trainingReport.csv = data.trainingReport.csv.replace(/generatedAt,,,,,[^\n]*/, 'generatedAt');
  return { ...r.data, learners: l.data, nodes: n.data, report: data };
}

beforeAll(async () => {
  h = await startAnalytics({ ANALYTICS_MIN_POPULATION: '2' });
  const [dep1, rec1] = recognisedOutcome({ accountNo: A, code: 'VSC-ELEC-G5', credits: 4, day: '2026-03-10', institutionCode: INST });
  const [dep2, rec2] = recognisedOutcome({
    accountNo: A,
    code: 'CE-TEA-101',
    type: 'NON_ACADEMIC',
    credits: 2,
    day: '2026-04-02',
    level: null,
    track: null,
    source: 'INTAKE_POINT',
    depositedBy: 'op-a',
  });
  const [dep3, rec3] = recognisedOutcome({
    accountNo: B,
    code: 'CE-TEA-101',
    type: 'NON_ACADEMIC',
    credits: 2,
    day: '2026-04-05',
    level: null,
    track: null,
  });
  const [dep4, rec4] = recognisedOutcome({ outcomeId: revokedId, accountNo: C, code: 'VSC-ELEC-G5', credits: 4, day: '2026-04-20' });
  const [dep5, rec5] = recognisedOutcome({ accountNo: D, code: 'VSC-ELEC-G5', credits: 4, day: '2026-04-21' });
  const [dep6, rec6] = recognisedOutcome({ accountNo: E, code: 'VSC-ELEC-G5', credits: 4, day: '2026-04-21' });
  world.push(
    item('VSC-ELEC-G5', { level: 1, track: 'VSC-ELEC', title: '电工五级' }),
    item('VSC-ELEC-G4', { level: 2, track: 'VSC-ELEC', title: '电工四级' }),
    item('CE-TEA-101', { type: 'NON_ACADEMIC', level: null, track: null, title: '茶艺' }),
    institution(),
    operatorAssigned('op-a', 'sn-a', '2026-01-01T00:00:00.000Z'),
    opened(A, { householdId: 'hh-1' }),
    opened(B, { gender: 'MALE', birthYear: 1999, householdId: 'hh-1' }),
    opened(C, { adminDivision: '330106002', gender: 'MALE', birthYear: 1960, householdId: 'hh-2', channel: 'ONLINE', nodeId: null }),
    opened(D, { adminDivision: '330108001', birthYear: 1990, nodeId: 'sn-b', openedAt: '2026-04-03T08:00:00.000Z' }),
    opened(E, { nodeId: 'sn-44' }),
    dep1,
    rec1,
    dep2,
    rec2,
    dep3,
    rec3,
    dep4,
    rec4,
    dep5,
    rec5,
    dep6,
    rec6,
    revoked(revokedId, C, '2026-04-25T00:00:00.000Z'),
    ...conversion(A, 'sn-a', '2026-04-10T00:00:00.000Z', '2026-04-12T00:00:00.000Z', 4),
  );
  await h.feed(world);
  const ind = await h.gql(
    `mutation($i: [RegionalIndicatorInput!]!) { upsertRegionalIndicators(input: $i) }`,
    {
      i: [
        ['330106001', 10],
        ['330106002', 20],
        ['330108001', 30],
        ['330110001', 40],
      ].map(([division, value]) => ({ division, year: 2026, indicator: 'gdp_per_capita', value })),
    },
    tokens.centerAdmin('33'),
  );
  expect(ind.data).toEqual({ upsertRegionalIndicators: 4 });
});

afterAll(async () => {
  await h?.stop();
});

let baseline: Awaited<ReturnType<typeof snapshot>>;

it('answers every query with the hand-computed figures', async () => {
  baseline = await snapshot();
  const s = baseline as Record<string, unknown>;
  expect(s['type']).toEqual([
    { key: 'VOCATIONAL', count: 2, credits: 8, learners: 2 },
    { key: 'NON_ACADEMIC', count: 2, credits: 4, learners: 2 },
  ]);
  expect(s['division']).toEqual([
    { key: '330106', count: 3, credits: 8, learners: 2 },
    { key: '330108', count: 1, credits: 4, learners: 1 },
  ]);
  expect(s['month']).toEqual([
    { key: '2026-03', count: 1, credits: 4, learners: 1 },
    { key: '2026-04', count: 3, credits: 8, learners: 3 },
  ]);
  expect(s['item']).toEqual([
    { key: 'VSC-ELEC-G5', label: '电工五级', count: 2 },
    { key: 'CE-TEA-101', label: '茶艺', count: 2 },
  ]);
  expect(s['institution']).toEqual([
    { key: 'NONE', label: expect.any(String), count: 3 },
    { key: INST, label: '西湖职业技能培训学校', count: 1 },
  ]);
  expect(s['demographics']).toEqual([
    { ageBand: '25-34', gender: 'MALE', type: 'NON_ACADEMIC', count: 1, credits: 2, learners: 1 },
    { ageBand: '35-44', gender: 'FEMALE', type: 'VOCATIONAL', count: 1, credits: 4, learners: 1 },
    { ageBand: '45-54', gender: 'FEMALE', type: 'VOCATIONAL', count: 1, credits: 4, learners: 1 },
    { ageBand: '45-54', gender: 'FEMALE', type: 'NON_ACADEMIC', count: 1, credits: 2, learners: 1 },
  ]);
  expect(s['hotPrograms']).toEqual([
    { rank: 1, catalogItemCode: 'VSC-ELEC-G5', name: '电工五级', learners: 2, outcomes: 2, credits: 8 },
    { rank: 2, catalogItemCode: 'CE-TEA-101', name: '茶艺', learners: 2, outcomes: 2, credits: 4 },
  ]);
  expect(s['learningStars']).toEqual([
    { rank: 1, accountNo: A, credits: 6, outcomes: 2 },
    { rank: 2, accountNo: D, credits: 4, outcomes: 1 },
    { rank: 3, accountNo: B, credits: 2, outcomes: 1 },
  ]);
  expect(s['learningFamilies']).toEqual([{ rank: 1, householdId: 'hh-1', members: 2, activeMembers: 2, credits: 8, creditsPerMember: 4 }]);
  expect(s['learningCommunities']).toEqual([
    { rank: 1, division: '330106001', accounts: 2, participants: 2, participationRate: 1, creditsPerAccount: 4 },
    { rank: 2, division: '330108001', accounts: 1, participants: 1, participationRate: 1, creditsPerAccount: 4 },
    { rank: 3, division: '330106002', accounts: 1, participants: 0, participationRate: 0, creditsPerAccount: 0 },
  ]);
  expect(s['defaultCommunities']).toEqual([{ division: '330106001' }]); // ANALYTICS_MIN_POPULATION = 2
  // x = 10, 20, 30; y = 1.5, 0, 1 → Σdxdy = −5, Σdx² = 200, Σdy² = 7/6 → r = −5/√(700/3)
  const corr = s['economicCorrelation'] as { r: number; n: number; excluded: number; points: unknown[] };
  expect(corr.n).toBe(3);
  expect(corr.excluded).toBe(1);
  expect(corr.r).toBeCloseTo(-5 / Math.sqrt(700 / 3), 5);
  expect(corr.points).toEqual([
    { division: '330106001', indicatorValue: 10, accounts: 2, outcomes: 3, outcomesPerAccount: 1.5 },
    { division: '330106002', indicatorValue: 20, accounts: 1, outcomes: 0, outcomesPerAccount: 0 },
    { division: '330108001', indicatorValue: 30, accounts: 1, outcomes: 1, outcomesPerAccount: 1 },
  ]);

  const learners = (
    baseline.learners as {
      _entities: { accountNo: string; profile: Record<string, unknown>; recommendations: { kind: string; catalogItemCode: string }[] }[];
    }
  )._entities;
  expect(learners[0]!.profile).toMatchObject({
    totalCredits: 6,
    outcomes: 2,
    creditsByType: [
      { type: 'ACADEMIC', credits: 0, outcomes: 0 },
      { type: 'VOCATIONAL', credits: 4, outcomes: 1 },
      { type: 'NON_ACADEMIC', credits: 2, outcomes: 1 },
    ],
    highestLevels: [{ track: 'VSC-ELEC', level: 1, catalogItemCode: 'VSC-ELEC-G5' }],
    highestVocationalLevel: 1,
  });
  expect(learners[0]!.profile['recentActivity']).toEqual([
    { kind: 'CONVERSION_APPROVED' },
    { kind: 'CONVERSION_SUBMITTED' },
    { kind: 'OUTCOME_RECOGNIZED' },
    { kind: 'OUTCOME_RECOGNIZED' },
  ]);
  expect(learners[0]!.recommendations[0]).toMatchObject({ kind: 'NEXT_LEVEL', catalogItemCode: 'VSC-ELEC-G4' });
  expect(learners[0]!.recommendations.map((r) => r.catalogItemCode)).not.toContain('VSC-ELEC-G5');
  // B holds the tea course; A (same county, other age band) is not a "similar learner", so nothing popular.
  expect(learners[2]!.profile).toMatchObject({ totalCredits: 0, outcomes: 0 }); // C's only outcome was revoked

  expect((baseline.nodes as { _entities: unknown[] })._entities).toEqual([
    { id: 'sn-a', stats: { accountsOpened: 2, outcomesDeposited: 1, conversionsSubmitted: 1, conversionsApproved: 1 } },
    { id: 'sn-b', stats: { accountsOpened: 1, outcomesDeposited: 0, conversionsSubmitted: 0, conversionsApproved: 0 } },
  ]);
  const report = (baseline.report as { trainingReport: { summary: unknown; growth: unknown; conversionYield: unknown; csv: string } })
    .trainingReport;
  expect(report.summary).toEqual({ outcomes: 3, credits: 8, learners: 3, newAccounts: 1 });
  expect(report.growth).toEqual({ outcomes: 2 });
  expect(report.conversionYield).toEqual({ submitted: 1, approved: 1 });
  expect(report.csv).toContain('summary,2026-04,本月,3,8,3,1');
});

it('filters by division prefix, period and type', async () => {
  const q = `query($f: AnalyticsFilter) { trainingDistribution(filter: $f, groupBy: DIVISION) { key count } }`;
  const byTownship = await h.gql(q, { f: { divisionPrefix: '330106' } }, analyst33);
  expect(byTownship.data).toEqual({ trainingDistribution: [{ key: '330106001', count: 3 }] });
  const april = await h.gql(q, { f: { from: '2026-04-01', to: '2026-04-30', type: 'VOCATIONAL' } }, analyst33);
  expect(april.data).toEqual({ trainingDistribution: [{ key: '330108', count: 1 }] });
  const bad = await h.gql(q, { f: { from: '2026-13-01' } }, analyst33);
  expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
});

it('serves the report as CSV and self-contained HTML downloads', async () => {
  const csv = await fetch(`${h.baseUrl}/reports/33/2026-04.csv`, { headers: { authorization: `Bearer ${analyst33}` } });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
  expect(await csv.text()).toContain('topPrograms,VSC-ELEC-G5');
  const html = await fetch(`${h.baseUrl}/reports/33/2026-04.html`, { headers: { authorization: `Bearer ${analyst33}` } });
  expect(await html.text()).toMatch(/<svg /);
  expect((await fetch(`${h.baseUrl}/reports/33/2026-04.csv`, { headers: { authorization: `Bearer ${analyst44}` } })).status).toBe(403);
  expect((await fetch(`${h.baseUrl}/reports/33/2026-04.csv`)).status).toBe(401);
});

it('shows an analyst of another province nothing of this one', async () => {
  const other = (await snapshot(analyst44, '44')) as Record<string, unknown>;
  expect(other['type']).toEqual([{ key: 'VOCATIONAL', count: 1, credits: 4, learners: 1 }]);
  expect(other['learningStars']).toEqual([{ rank: 1, accountNo: E, credits: 4, outcomes: 1 }]);
  expect(other['learningFamilies']).toEqual([]);
  expect(
    (other['learners'] as { _entities: { profile: { outcomes: number }; recommendations: unknown[] }[] })._entities.every(
      (l) => l.profile.outcomes === 0 && l.recommendations.length === 0,
    ),
  ).toBe(true);
  expect(
    (other['nodes'] as { _entities: { stats: Record<string, number> }[] })._entities.every((n) =>
      Object.values(n.stats).every((v) => v === 0),
    ),
  ).toBe(true);
  const forbidden = await h.gql(`{ hotPrograms(filter: { province: "33" }) { catalogItemCode } }`, {}, analyst44);
  expect(forbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  const learnerToken = await h.gql(`{ hotPrograms { catalogItemCode } }`, {}, tokens.learner(A));
  expect(learnerToken.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  const indicators = await h.gql(
    `mutation { upsertRegionalIndicators(input: [{ division: "330106", year: 2026, indicator: "gdp", value: 1 }]) }`,
    {},
    analyst44,
  );
  expect(indicators.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
});

it('leaves the read models unchanged when events are redelivered, reissued and reordered', async () => {
  const shuffled = [...world].reverse();
  await h.feed([...shuffled, ...shuffled.map(reissued)]);
  expect(await snapshot()).toEqual(baseline);
});

it('rebuilds from the beginning into a new generation that equals the incremental one, without downtime', async () => {
  let polls = 0;
  let failures = 0;
  let stop = false;
  const poller = (async () => {
    while (!stop) {
      const r = await h.gql(`{ learningStars { accountNo } }`, {}, analyst33);
      polls++;
      if (r.errors || (r.data as { learningStars: unknown[] }).learningStars.length !== 3) {
        failures++;
      }
    }
  })();
  const result = await rebuild(h.env, { graceMs: 500, log: () => undefined });
  stop = true;
  await poller;
  expect(result).toMatchObject({ from: 'g1', to: 'g2' });
  expect(polls).toBeGreaterThan(0);
  expect(failures).toBe(0);
  await eventually(async () => {
    const f = await h.gql(`{ analyticsFreshness { generation topics { topic lastEventAt } } }`, {}, analyst33);
    expect((f.data as { analyticsFreshness: { generation: string } }).analyticsFreshness.generation).toBe('g2');
  });
  expect(await snapshot()).toEqual(baseline);
  const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
  expect(metrics).toMatch(/creditbank_analytics_read_model_lag_seconds\{topic="creditbank.outcome.v1"/);
});
