import { hotPrograms, learningCommunities, learningFamilies, learningStars } from './rankings';
import { demographics, trainingDistribution } from './distribution';
import { learner, outcome } from './fixtures.spec-helper';

const a = learner('330000000011', { adminDivision: '330106001', householdId: 'hh-1', gender: 'FEMALE', birthYear: 1980 });
const b = learner('330000000029', { adminDivision: '330106001', householdId: 'hh-1', gender: 'MALE', birthYear: 1999 });
const c = learner('330000000037', { adminDivision: '330106002', householdId: 'hh-2', gender: 'MALE', birthYear: 1960 });
const d = learner('330000000045', { adminDivision: '330106002', householdId: 'hh-2', gender: 'FEMALE', birthYear: 1960 });
const e = learner('330000000053', { adminDivision: '330108001', householdId: 'hh-3' }); // a household of one
const population = [a, b, c, d, e];
const outcomes = [
  outcome(a, { catalogItemCode: 'VSC-ELEC-G5', credits: 4 }),
  outcome(a, { catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', credits: 2, day: '2026-04-02', level: null, track: null }),
  outcome(b, { catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', credits: 2, level: null, track: null }),
  outcome(c, { catalogItemCode: 'VSC-ELEC-G5', credits: 6 }),
  outcome(e, { catalogItemCode: 'VSC-COOK-G5', credits: 20 }),
];

describe('hot programmes', () => {
  it('ranks by learners, then outcomes, then credits, then code (deterministic ties)', () => {
    const r = hotPrograms(outcomes, 10, (code) => (code === 'CE-TEA-101' ? '茶艺' : null));
    // VSC-ELEC-G5: 2 learners, 10 credits; CE-TEA-101: 2 learners, 4 credits; VSC-COOK-G5: 1 learner.
    expect(r.map((p) => [p.rank, p.catalogItemCode, p.learners, p.credits])).toEqual([
      [1, 'VSC-ELEC-G5', 2, 10],
      [2, 'CE-TEA-101', 2, 4],
      [3, 'VSC-COOK-G5', 1, 20],
    ]);
    expect(r[1]!.name).toBe('茶艺');
    expect(r[0]!.name).toBe('电工五级');
    expect(hotPrograms(outcomes, 1, () => null)).toHaveLength(1);
  });
  it('breaks a full tie by code', () => {
    const x = [outcome(a, { catalogItemCode: 'B-ITEM' }), outcome(b, { catalogItemCode: 'A-ITEM' })];
    expect(hotPrograms(x, 10, () => null).map((p) => p.catalogItemCode)).toEqual(['A-ITEM', 'B-ITEM']);
  });
});

describe('learning stars', () => {
  it('ranks learners by credits, then outcomes, then account number', () => {
    const r = learningStars([...outcomes, outcome(b, { credits: 4 })], 10);
    // e 20; a 6 (2 outcomes); b 6 (2 outcomes) → account number; c 6 (1 outcome).
    expect(r.map((s) => [s.accountNo, s.credits, s.outcomes])).toEqual([
      ['330000000053', 20, 1],
      ['330000000011', 6, 2],
      ['330000000029', 6, 2],
      ['330000000037', 6, 1],
    ]);
  });
});

describe('learning families', () => {
  it('ranks households of at least the minimum size by credits per member', () => {
    const r = learningFamilies(outcomes, population, 10, 2);
    // hh-1: (4+2+2)/2 = 4; hh-2: 6/2 = 3; hh-3 has one member: left out.
    expect(r.map((f) => [f.householdId, f.members, f.activeMembers, f.creditsPerMember])).toEqual([
      ['hh-1', 2, 2, 4],
      ['hh-2', 2, 1, 3],
    ]);
    expect(learningFamilies(outcomes, population, 10, 1)[0]!.householdId).toBe('hh-3');
  });
});

describe('learning communities', () => {
  it('ranks divisions by participation, leaving small ones out (fair to real communities)', () => {
    const r = learningCommunities(outcomes, population, 10, 2);
    // 330106001: 2/2 participate; 330106002: 1/2; 330108001 has 1 account < 2: left out.
    expect(r.map((c) => [c.division, c.accounts, c.participants, c.participationRate, c.creditsPerAccount])).toEqual([
      ['330106001', 2, 2, 1, 4],
      ['330106002', 2, 1, 0.5, 3],
    ]);
    const all = learningCommunities(outcomes, population, 10, 1);
    expect(all.map((c) => c.division)).toEqual(['330108001', '330106001', '330106002']); // 1.0 with 20/acct first
  });
});

describe('distribution and demographics', () => {
  it('groups by county, or by township under a county prefix, and by month in calendar order', () => {
    expect(trainingDistribution(outcomes, 'DIVISION', null).map((b) => [b.key, b.count, b.credits, b.learners])).toEqual([
      ['330106', 4, 14, 3],
      ['330108', 1, 20, 1],
    ]);
    expect(trainingDistribution(outcomes, 'DIVISION', '330106').map((b) => b.key)).toEqual(['330106001', '330108001', '330106002']); // 3 outcomes; then 1 with 20 credits before 1 with 6
    expect(trainingDistribution(outcomes, 'MONTH', null).map((b) => [b.key, b.count])).toEqual([
      ['2026-03', 4],
      ['2026-04', 1],
    ]);
    expect(trainingDistribution(outcomes, 'TYPE', null).map((b) => [b.key, b.count])).toEqual([
      ['VOCATIONAL', 3],
      ['NON_ACADEMIC', 2],
    ]);
  });
  it('crosses age band × gender × type', () => {
    expect(demographics(outcomes, 2026).map((x) => [x.ageBand, x.gender, x.type, x.count, x.credits, x.learners])).toEqual([
      ['25-34', 'MALE', 'NON_ACADEMIC', 1, 2, 1],
      ['45-54', 'FEMALE', 'VOCATIONAL', 2, 24, 2],
      ['45-54', 'FEMALE', 'NON_ACADEMIC', 1, 2, 1],
      ['65+', 'MALE', 'VOCATIONAL', 1, 6, 1],
    ]);
  });
});
