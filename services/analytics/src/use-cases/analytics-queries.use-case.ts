import { BadInputError, narrowScope, scopeOf, type Caller, type TenantScope } from '@creditbank/kernel';
import {
  parseAnalyticsFilter,
  parseLimit,
  referenceYear,
  type AnalyticsFilter,
  type AnalyticsFilterInput,
} from '../domain/analytics-filter';
import { joinLearners, type LearnerOutcome } from '../domain/dimensions';
import { demographics, trainingDistribution, NO_INSTITUTION, type DistributionGroup } from '../domain/distribution';
import { economicCorrelation } from '../domain/correlation';
import { hotPrograms, learningCommunities, learningFamilies, learningStars } from '../domain/rankings';
import type { LearnerFact, RegionalIndicator } from '../domain/facts';
import type { FactReader, IndicatorStore } from './ports';

export interface AnalyticsSettings {
  /** Smallest population (accounts) of a division ranked or correlated. */
  minPopulation: number;
  /** Smallest household (accounts) ranked as a learning family. */
  minHouseholdMembers: number;
}

export interface QueryDeps {
  reader: FactReader;
  indicators: IndicatorStore;
  settings: AnalyticsSettings;
  now?: () => Date;
}

/** The scope of an analytics query: the caller's province (or all for PLATFORM_ADMIN), narrowed by the filter. */
export function analyticsScope(caller: Caller, filter: AnalyticsFilter): TenantScope {
  return narrowScope(scopeOf(caller), filter.province);
}

/** Recognised outcomes in scope, joined with their learners, filtered by division prefix. */
export async function loadOutcomes(
  reader: FactReader,
  scope: TenantScope,
  filter: AnalyticsFilter,
): Promise<{ outcomes: LearnerOutcome[]; population: LearnerFact[] }> {
  const [raw, population] = await Promise.all([
    reader.recognizedOutcomes(scope, { fromDay: filter.fromDay, toDay: filter.toDay, type: filter.type }),
    reader.learners(scope, filter.divisionPrefix),
  ]);
  const byNo = new Map(population.map((l) => [l.accountNo, l]));
  return { outcomes: joinLearners(raw, byNo), population };
}

function minOf(value: number | null | undefined, fallback: number, field: string): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new BadInputError('Must be an integer from 1 to 100000', field);
  return value;
}

const GROUPS: readonly DistributionGroup[] = ['DIVISION', 'TYPE', 'CATALOG_ITEM', 'INSTITUTION', 'MONTH'];

export async function getTrainingDistribution(
  deps: QueryDeps,
  caller: Caller,
  input: AnalyticsFilterInput | null | undefined,
  groupBy: DistributionGroup,
) {
  if (!GROUPS.includes(groupBy)) throw new BadInputError('Unknown grouping', 'groupBy');
  const filter = parseAnalyticsFilter(input);
  const scope = analyticsScope(caller, filter);
  const { outcomes } = await loadOutcomes(deps.reader, scope, filter);
  const labels = new Map<string, string>();
  if (groupBy === 'CATALOG_ITEM') {
    for (const o of outcomes) if (!labels.has(o.catalogItemCode)) labels.set(o.catalogItemCode, o.title);
    for (const c of await deps.reader.catalogItems()) labels.set(c.code, c.title);
  } else if (groupBy === 'INSTITUTION') {
    const codes = [...new Set(outcomes.map((o) => o.institutionCode).filter((c): c is string => !!c))];
    for (const i of await deps.reader.institutions(scope, codes)) labels.set(i.code, i.name);
    labels.set(NO_INSTITUTION, '无机构（自主申报或受理点存入）');
  }
  return trainingDistribution(outcomes, groupBy, filter.divisionPrefix, (k) => labels.get(k) ?? null);
}

export async function getDemographics(deps: QueryDeps, caller: Caller, input: AnalyticsFilterInput | null | undefined) {
  const filter = parseAnalyticsFilter(input);
  const { outcomes } = await loadOutcomes(deps.reader, analyticsScope(caller, filter), filter);
  return demographics(outcomes, referenceYear(filter, (deps.now ?? (() => new Date()))()));
}

export async function getHotPrograms(
  deps: QueryDeps,
  caller: Caller,
  input: AnalyticsFilterInput | null | undefined,
  limitArg?: number | null,
) {
  const limit = parseLimit(limitArg, 10, 100);
  const filter = parseAnalyticsFilter(input);
  const { outcomes } = await loadOutcomes(deps.reader, analyticsScope(caller, filter), filter);
  const names = new Map((await deps.reader.catalogItems()).map((c) => [c.code, c.title]));
  return hotPrograms(outcomes, limit, (code) => names.get(code) ?? null);
}

export async function getLearningStars(
  deps: QueryDeps,
  caller: Caller,
  input: AnalyticsFilterInput | null | undefined,
  limitArg?: number | null,
) {
  const limit = parseLimit(limitArg, 10, 100);
  const filter = parseAnalyticsFilter(input);
  const { outcomes } = await loadOutcomes(deps.reader, analyticsScope(caller, filter), filter);
  return learningStars(outcomes, limit);
}

export async function getLearningFamilies(
  deps: QueryDeps,
  caller: Caller,
  input: AnalyticsFilterInput | null | undefined,
  limitArg?: number | null,
  minMembers?: number | null,
) {
  const limit = parseLimit(limitArg, 10, 100);
  const filter = parseAnalyticsFilter(input);
  const { outcomes, population } = await loadOutcomes(deps.reader, analyticsScope(caller, filter), filter);
  return learningFamilies(outcomes, population, limit, minOf(minMembers, deps.settings.minHouseholdMembers, 'minMembers'));
}

export async function getLearningCommunities(
  deps: QueryDeps,
  caller: Caller,
  input: AnalyticsFilterInput | null | undefined,
  limitArg?: number | null,
  minPopulation?: number | null,
) {
  const limit = parseLimit(limitArg, 10, 100);
  const filter = parseAnalyticsFilter(input);
  const { outcomes, population } = await loadOutcomes(deps.reader, analyticsScope(caller, filter), filter);
  return learningCommunities(outcomes, population, limit, minOf(minPopulation, deps.settings.minPopulation, 'minPopulation'));
}

const INDICATOR = /^[A-Za-z0-9_.-]{1,64}$/;

export async function getEconomicCorrelation(
  deps: QueryDeps,
  caller: Caller,
  indicator: string,
  year: number,
  input: AnalyticsFilterInput | null | undefined,
  minPopulation?: number | null,
) {
  if (!INDICATOR.test(indicator)) throw new BadInputError('Indicator names are 1–64 letters, digits, _ . -', 'indicator');
  if (!Number.isInteger(year) || year < 1949 || year > 2200) throw new BadInputError('Must be a year', 'year');
  const filter = parseAnalyticsFilter(input);
  // The outcomes of the indicator's year (within any narrower period given).
  const yearFilter: AnalyticsFilter = {
    ...filter,
    fromDay: filter.fromDay && filter.fromDay > `${year}-01-01` ? filter.fromDay : `${year}-01-01`,
    toDay: filter.toDay && filter.toDay < `${year}-12-31` ? filter.toDay : `${year}-12-31`,
  };
  const scope = analyticsScope(caller, filter);
  const [{ outcomes, population }, indicators] = await Promise.all([
    loadOutcomes(deps.reader, scope, yearFilter),
    deps.indicators.find(scope, indicator, year),
  ]);
  const inPrefix = indicators.filter((i) => !filter.divisionPrefix || i.division.startsWith(filter.divisionPrefix));
  return economicCorrelation(
    indicator,
    year,
    inPrefix,
    outcomes,
    population,
    minOf(minPopulation, deps.settings.minPopulation, 'minPopulation'),
  );
}

export interface RegionalIndicatorInput {
  division: string;
  year: number;
  indicator: string;
  value: number;
}

/** Upload regional indicators (CENTER_ADMIN / ANALYST of the province, PLATFORM_ADMIN); returns how many were stored. */
export async function upsertRegionalIndicators(
  store: IndicatorStore,
  caller: Caller,
  input: readonly RegionalIndicatorInput[],
): Promise<number> {
  const scope = scopeOf(caller);
  if (input.length === 0) return 0;
  if (input.length > 5000) throw new BadInputError('At most 5000 indicators per call', 'input');
  const rows: RegionalIndicator[] = input.map((i, n) => {
    const field = `input.${n}`;
    if (!/^[0-9]{6}([0-9]{3})?$/.test(i.division)) throw new BadInputError('Must be a 6- or 9-digit division code', `${field}.division`);
    if (!INDICATOR.test(i.indicator)) throw new BadInputError('Indicator names are 1–64 letters, digits, _ . -', `${field}.indicator`);
    if (!Number.isInteger(i.year) || i.year < 1949 || i.year > 2200) throw new BadInputError('Must be a year', `${field}.year`);
    if (!Number.isFinite(i.value)) throw new BadInputError('Must be a finite number', `${field}.value`);
    const province = i.division.slice(0, 2);
    if (!('all' in scope) && scope.province !== province)
      throw new BadInputError('The division is not in your province', `${field}.division`);
    return { province, division: i.division, year: i.year, indicator: i.indicator, value: i.value };
  });
  return store.upsert(rows);
}
