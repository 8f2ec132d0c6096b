import type * as SimpleStatistics from 'simple-statistics' with { 'resolution-mode': 'import' };

// simple-statistics ships CommonJS for require() but declares its types as ES module only.
const { sampleCorrelation } = require('simple-statistics') as typeof SimpleStatistics;
import { round2, type LearnerOutcome } from './dimensions';
import { cmp } from './distribution';
import type { LearnerFact, RegionalIndicator } from './facts';

export interface CorrelationPoint {
  division: string;
  indicatorValue: number;
  accounts: number;
  outcomes: number;
  outcomesPerAccount: number;
}

export interface Correlation {
  indicator: string;
  year: number;
  /** Pearson's r; null when fewer than 3 points or either series is constant. */
  r: number | null;
  n: number;
  points: CorrelationPoint[];
  /** Divisions left out for having fewer accounts than the minimum population. */
  excluded: number;
}

/**
 * Pearson correlation, across the divisions an indicator was uploaded for, between the indicator and
 * recognised outcomes per account of the learners living in that division (prefix match, so a
 * county figure covers its townships). Divisions with fewer than `minPopulation` accounts are left
 * out: one account's outcomes would be noise.
 */
export function economicCorrelation(
  indicator: string,
  year: number,
  indicators: readonly RegionalIndicator[],
  outcomes: readonly LearnerOutcome[],
  population: readonly LearnerFact[],
  minPopulation: number,
): Correlation {
  const points: CorrelationPoint[] = [];
  let excluded = 0;
  const sorted = [...indicators].sort((a, b) => cmp(a.division, b.division));
  for (const ind of sorted) {
    const accounts = population.filter((l) => l.adminDivision.startsWith(ind.division)).length;
    if (accounts < minPopulation || accounts === 0) {
      excluded++;
      continue;
    }
    const n = outcomes.filter((o) => o.learner.adminDivision.startsWith(ind.division)).length;
    points.push({ division: ind.division, indicatorValue: ind.value, accounts, outcomes: n, outcomesPerAccount: round4(n / accounts) });
  }
  return {
    indicator,
    year,
    r: pearson(
      points.map((p) => p.indicatorValue),
      points.map((p) => p.outcomesPerAccount),
    ),
    n: points.length,
    points,
    excluded,
  };
}

export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length < 3 || x.length !== y.length) return null;
  const constant = (v: readonly number[]) => v.every((a) => a === v[0]);
  if (constant(x) || constant(y)) return null;
  const r = sampleCorrelation([...x], [...y]);
  return Number.isFinite(r) ? Math.round(r * 1e6) / 1e6 : null;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
export { round2 };
