import { ageBand, countyOf, monthOf, round2, type AgeBand, type LearnerOutcome } from './dimensions';
import type { Gender, OutcomeType } from './facts';

export type DistributionGroup = 'DIVISION' | 'TYPE' | 'CATALOG_ITEM' | 'INSTITUTION' | 'MONTH';

export interface DistributionBucket {
  key: string;
  label: string | null;
  /** Recognised outcomes. */
  count: number;
  credits: number;
  /** Distinct learners. */
  learners: number;
}

/** Key of an outcome without an institution (self-declared, deposited at an intake point). */
export const NO_INSTITUTION = 'NONE';

/**
 * The division an outcome is grouped under: the county (6 digits) by default; the full division
 * (township, 9 digits) once the filter already narrows to a county or below.
 */
export function divisionKey(division: string, divisionPrefix: string | null): string {
  return divisionPrefix && divisionPrefix.length >= 6 ? division : countyOf(division);
}

export function groupKey(o: LearnerOutcome, groupBy: DistributionGroup, divisionPrefix: string | null): string {
  switch (groupBy) {
    case 'DIVISION':
      return divisionKey(o.learner.adminDivision, divisionPrefix);
    case 'TYPE':
      return o.type;
    case 'CATALOG_ITEM':
      return o.catalogItemCode;
    case 'INSTITUTION':
      return o.institutionCode ?? NO_INSTITUTION;
    case 'MONTH':
      return monthOf(o.day);
  }
}

/**
 * Training distribution: recognised outcomes, credits and distinct learners per group. Months come
 * in calendar order; other groups by count, then credits (descending), then key.
 */
export function trainingDistribution(
  outcomes: readonly LearnerOutcome[],
  groupBy: DistributionGroup,
  divisionPrefix: string | null,
  labelOf: (key: string) => string | null = () => null,
): DistributionBucket[] {
  const acc = new Map<string, { count: number; credits: number; learners: Set<string> }>();
  for (const o of outcomes) {
    const key = groupKey(o, groupBy, divisionPrefix);
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { count: 0, credits: 0, learners: new Set() }));
    a.count++;
    a.credits += o.credits;
    a.learners.add(o.accountNo);
  }
  const buckets = [...acc].map(([key, a]) => ({
    key,
    label: labelOf(key),
    count: a.count,
    credits: round2(a.credits),
    learners: a.learners.size,
  }));
  return buckets.sort(
    groupBy === 'MONTH' ? (a, b) => cmp(a.key, b.key) : (a, b) => b.count - a.count || b.credits - a.credits || cmp(a.key, b.key),
  );
}

export interface DemographicBucket {
  ageBand: AgeBand;
  gender: Gender;
  type: OutcomeType;
  count: number;
  credits: number;
  learners: number;
}

const TYPE_ORDER: Record<OutcomeType, number> = { ACADEMIC: 0, VOCATIONAL: 1, NON_ACADEMIC: 2 };
const GENDER_ORDER: Record<Gender, number> = { FEMALE: 0, MALE: 1 };

/** Age band × gender × type: outcomes, credits, distinct learners; ordered by band, gender, type. */
export function demographics(outcomes: readonly LearnerOutcome[], referenceYear: number): DemographicBucket[] {
  const acc = new Map<string, DemographicBucket & { ids: Set<string> }>();
  for (const o of outcomes) {
    const band = ageBand(o.learner.birthYear, referenceYear);
    const key = `${band}|${o.learner.gender}|${o.type}`;
    let a = acc.get(key);
    if (!a)
      acc.set(key, (a = { ageBand: band, gender: o.learner.gender, type: o.type, count: 0, credits: 0, learners: 0, ids: new Set() }));
    a.count++;
    a.credits += o.credits;
    a.ids.add(o.accountNo);
  }
  const bands = ['<18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
  return [...acc.values()]
    .map(({ ids, ...b }) => ({ ...b, credits: round2(b.credits), learners: ids.size }))
    .sort(
      (a, b) =>
        bands.indexOf(a.ageBand) - bands.indexOf(b.ageBand) ||
        GENDER_ORDER[a.gender] - GENDER_ORDER[b.gender] ||
        TYPE_ORDER[a.type] - TYPE_ORDER[b.type],
    );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
