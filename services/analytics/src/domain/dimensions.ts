import type { LearnerFact, RecognizedOutcome } from './facts';

/** Age bands used by demographics, profiles and recommendations. */
export const AGE_BANDS = ['<18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The age band of someone born in `birthYear`, as of `referenceYear` (age = difference of years). */
export function ageBand(birthYear: number, referenceYear: number): AgeBand {
  const age = referenceYear - birthYear;
  if (age < 18) return '<18';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

/** The county (6-digit) of a 6- or 9-digit division code. */
export function countyOf(division: string): string {
  return division.slice(0, 6);
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** A recognised outcome together with its learner (the join every query runs on). */
export interface LearnerOutcome extends RecognizedOutcome {
  learner: LearnerFact;
}

/** Join outcomes with their learners; outcomes of learners not (yet) known are left out. */
export function joinLearners(outcomes: readonly RecognizedOutcome[], learners: ReadonlyMap<string, LearnerFact>): LearnerOutcome[] {
  const joined: LearnerOutcome[] = [];
  for (const o of outcomes) {
    const learner = learners.get(o.accountNo);
    if (learner) joined.push({ ...o, learner });
  }
  return joined;
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;
