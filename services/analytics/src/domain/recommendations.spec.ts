import { recommend, qualifyingCredits } from './recommendations';
import { learnerProfile } from './profile';
import { learner, outcome } from './fixtures.spec-helper';
import type { CatalogItemFact, ConversionRuleFact, LearningProjectFact } from './facts';

const now = new Date('2026-06-15T00:00:00Z');
const me = learner('330000000011', { adminDivision: '330106001', birthYear: 1980 });
const peer1 = learner('330000000029', { adminDivision: '330106002', birthYear: 1982 }); // same county, same band (45-54 → 44? see below)
const peer2 = learner('330000000037', { adminDivision: '330106003', birthYear: 1981 });
const farPeer = learner('330000000045', { adminDivision: '330108001', birthYear: 1980 });
const item = (code: string, over: Partial<CatalogItemFact> = {}): CatalogItemFact => ({
  code,
  version: 1,
  province: null,
  title: code,
  type: 'VOCATIONAL',
  level: null,
  track: null,
  retired: false,
  ...over,
});
const catalog = [
  item('VSC-ELEC-G5', { level: 1, track: 'VSC-ELEC' }),
  item('VSC-ELEC-G4', { level: 2, track: 'VSC-ELEC', title: '电工四级' }),
  item('VSC-ELEC-G3', { level: 3, track: 'VSC-ELEC' }),
  item('CE-TEA-101', { type: 'NON_ACADEMIC' }),
  item('CE-PHOTO-1', { type: 'NON_ACADEMIC' }),
  item('VSC-COOK-G5', { level: 1, track: 'VSC-COOK' }),
  item('OLD-ITEM', { retired: true }),
];
const mine = [outcome(me, { catalogItemCode: 'VSC-ELEC-G5', level: 1, track: 'VSC-ELEC', credits: 4 })];
const peerOutcomes = [
  ...mine,
  outcome(peer1, { catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', level: null, track: null }),
  outcome(peer2, { catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', level: null, track: null }),
  outcome(peer2, { catalogItemCode: 'VSC-ELEC-G5' }), // held by me: never recommended
  outcome(peer2, { catalogItemCode: 'OLD-ITEM' }), // retired
  outcome(farPeer, { catalogItemCode: 'CE-PHOTO-1', type: 'NON_ACADEMIC' }), // other county
];
const project = (id: string, over: Partial<LearningProjectFact> = {}): LearningProjectFact => ({
  projectId: id,
  nodeId: 'sn-1',
  province: '33',
  adminDivision: '330106001',
  title: `项目 ${id}`,
  catalogItemCode: null,
  startsAt: '2026-07-01T00:00:00Z',
  endsAt: '2026-07-05T00:00:00Z',
  capacity: 2,
  cancelled: false,
  ...over,
});
const rule: ConversionRuleFact = {
  ruleId: 'cr-1',
  version: 1,
  province: '33',
  name: '电工模块置换',
  creditsRequired: 6,
  catalogItemCodes: ['VSC-ELEC-G5', 'VSC-ELEC-G4', 'VSC-COOK-G5'],
  types: ['VOCATIONAL'],
  minLevel: null,
  minScore: null,
  withinYears: 5,
  effectiveFrom: null,
  effectiveTo: null,
  retired: false,
};

function run(over: Partial<Parameters<typeof recommend>[0]> = {}) {
  return recommend({
    learner: me,
    outcomes: mine,
    heldCodes: new Set(['VSC-ELEC-G5']),
    catalog,
    peerOutcomes,
    projects: [
      project('lp-here'),
      project('lp-county', { adminDivision: '330106002' }),
      project('lp-full'),
      project('lp-past', { endsAt: '2026-01-01T00:00:00Z' }),
      project('lp-far', { adminDivision: '330108001' }),
    ],
    seatsTaken: new Map([['lp-full', 2]]),
    enrolments: [],
    rules: [rule],
    now,
    limit: 10,
    ...over,
  });
}

describe('recommendations', () => {
  it('suggests the next level, nearby projects, conversion progress and what similar learners take', () => {
    const recs = run();
    // Equal scores: by kind (next level, conversion, project, popular), then key.
    expect(recs.map((r) => [r.kind, r.catalogItemCode ?? r.learningProjectId, r.score])).toEqual([
      ['NEXT_LEVEL', 'VSC-ELEC-G4', 0.9], // beats CONVERSION_PROGRESS (0.6 + 0.3 × 4/6 = 0.8) for the same item
      ['CONVERSION_PROGRESS', 'VSC-COOK-G5', 0.8],
      ['LOCAL_PROJECT', 'lp-here', 0.8], // same township
      ['POPULAR_NEARBY', 'CE-TEA-101', 0.8], // 2 of 2 similar peers: 0.5 + 0.3 × 1
      ['LOCAL_PROJECT', 'lp-county', 0.7],
    ]);
    for (const r of recs) expect(r.reason.length).toBeGreaterThan(0);
  });
  it('never recommends what the learner holds, full or past projects, or projects they joined', () => {
    const recs = run({
      heldCodes: new Set(['VSC-ELEC-G5', 'VSC-ELEC-G4', 'CE-TEA-101']),
      enrolments: [{ projectId: 'lp-here', accountNo: me.accountNo, province: '33', active: true, enrolledAt: '2026-06-01' }],
    });
    const keys = recs.map((r) => r.catalogItemCode ?? r.learningProjectId);
    expect(keys).not.toContain('VSC-ELEC-G4');
    expect(keys).not.toContain('CE-TEA-101');
    expect(keys).not.toContain('lp-here');
    expect(keys).not.toContain('lp-full');
    expect(keys).not.toContain('lp-past');
    expect(keys).not.toContain('lp-far');
    expect(keys).not.toContain('OLD-ITEM');
    expect(keys).not.toContain('CE-PHOTO-1');
  });
  it('counts only qualifying outcomes toward a rule and skips rules already met', () => {
    expect(qualifyingCredits(rule, mine, now)).toBe(4);
    expect(qualifyingCredits({ ...rule, withinYears: 1 }, [{ ...mine[0]!, achievedAt: '2024-01-01' }], now)).toBe(0);
    const met = run({ outcomes: [...mine, outcome(me, { catalogItemCode: 'VSC-COOK-G5', credits: 4 })] });
    expect(met.some((r) => r.kind === 'CONVERSION_PROGRESS')).toBe(false);
    expect(run({ limit: 2 })).toHaveLength(2);
  });
});

describe('profile', () => {
  it('sums credits by type, keeps the highest level per track and segments the learner', () => {
    const p = learnerProfile({
      accountNo: me.accountNo,
      learner: me,
      outcomes: [
        ...mine,
        outcome(me, { catalogItemCode: 'VSC-ELEC-G3', level: 3, credits: 10, day: '2026-06-01' }),
        outcome(me, { catalogItemCode: 'VSC-COOK-G5', level: 1, track: 'VSC-COOK', credits: 4 }),
        outcome(me, { catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', level: null, track: null, credits: 1.5 }),
      ],
      applications: [],
      enrolments: [],
      now,
    });
    expect(p.creditsByType).toEqual([
      { type: 'ACADEMIC', credits: 0, outcomes: 0 },
      { type: 'VOCATIONAL', credits: 18, outcomes: 3 },
      { type: 'NON_ACADEMIC', credits: 1.5, outcomes: 1 },
    ]);
    expect(p.highestLevels).toEqual([
      { track: 'VSC-COOK', level: 1, catalogItemCode: 'VSC-COOK-G5' },
      { track: 'VSC-ELEC', level: 3, catalogItemCode: 'VSC-ELEC-G3' },
    ]);
    expect(p.highestVocationalLevel).toBe(3);
    expect(p.recentActivity[0]).toMatchObject({ kind: 'OUTCOME_RECOGNIZED', at: '2026-06-01' });
    expect(p.segments).toEqual(['ACTIVE', 'SKILLED_WORKER', 'MULTI_TRACK', 'FOCUS_VOCATIONAL', 'AGE_45-54']);
    expect(learnerProfile({ accountNo: 'x', learner: null, outcomes: [], applications: [], enrolments: [], now }).segments).toEqual([
      'NEW_LEARNER',
    ]);
  });
});
