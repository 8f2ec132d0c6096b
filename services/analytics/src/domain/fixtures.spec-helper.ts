import type { LearnerOutcome } from './dimensions';
import type { LearnerFact, RecognizedOutcome } from './facts';

/** Small builders for the unit specs. */
export function learner(accountNo: string, over: Partial<LearnerFact> = {}): LearnerFact {
  return {
    accountNo,
    province: '33',
    adminDivision: '330106001',
    gender: 'FEMALE',
    birthYear: 1980,
    householdId: null,
    channel: 'INTAKE_POINT',
    nodeId: 'sn-1',
    openedAt: '2026-01-05T08:00:00.000Z',
    status: 'ACTIVE',
    ...over,
  };
}

let n = 0;
export function outcome(l: LearnerFact, over: Partial<RecognizedOutcome> = {}): LearnerOutcome {
  n++;
  return {
    outcomeId: `oc-${n}`,
    accountNo: l.accountNo,
    province: l.province,
    type: 'VOCATIONAL',
    catalogItemCode: 'VSC-ELEC-G5',
    title: '电工五级',
    level: 1,
    track: 'VSC-ELEC',
    institutionCode: null,
    credits: 4,
    score: 80,
    day: '2026-03-10',
    achievedAt: '2026-03-01',
    ...over,
    learner: l,
  };
}
