import { BadInputError } from '@creditbank/kernel';
import type { OutcomeType } from './facts';
import { OUTCOME_TYPES } from './facts';

/** AnalyticsFilter as received from the graph. */
export interface AnalyticsFilterInput {
  province?: string | null;
  divisionPrefix?: string | null;
  from?: string | null;
  to?: string | null;
  type?: OutcomeType | null;
}

/** A validated filter: inclusive day bounds (YYYY-MM-DD), optional division prefix and type. */
export interface AnalyticsFilter {
  province: string | null;
  divisionPrefix: string | null;
  fromDay: string | null;
  toDay: string | null;
  type: OutcomeType | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function isRealDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A period bound: YYYY-MM-DD, or YYYY-MM (the first or last day of that month). */
export function parseDayBound(value: string | null | undefined, field: string, end: boolean): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (MONTH.test(value)) return end ? lastDayOfMonth(value) : `${value}-01`;
  if (isRealDay(value)) return value;
  throw new BadInputError('Must be a date as YYYY-MM-DD (or a month as YYYY-MM)', field);
}

export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

export function parseMonth(value: string, field = 'period'): string {
  if (!MONTH.test(value)) throw new BadInputError('Must be a month as YYYY-MM', field);
  return value;
}

/** The month before a YYYY-MM month (and `n` months before). */
export function previousMonth(month: string, n = 1): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
}

export function parseAnalyticsFilter(input: AnalyticsFilterInput | null | undefined): AnalyticsFilter {
  const f = input ?? {};
  if (f.province !== undefined && f.province !== null && !/^[1-9][0-9]$/.test(f.province))
    throw new BadInputError('Must be a two-digit province code', 'filter.province');
  if (f.divisionPrefix !== undefined && f.divisionPrefix !== null && !/^[0-9]{2,9}$/.test(f.divisionPrefix))
    throw new BadInputError('Must be 2 to 9 digits of a division code', 'filter.divisionPrefix');
  if (f.type !== undefined && f.type !== null && !OUTCOME_TYPES.includes(f.type))
    throw new BadInputError('Unknown outcome type', 'filter.type');
  const fromDay = parseDayBound(f.from, 'filter.from', false);
  const toDay = parseDayBound(f.to, 'filter.to', true);
  if (fromDay && toDay && fromDay > toDay) throw new BadInputError('from must not be after to', 'filter.from');
  if (f.province && f.divisionPrefix && !f.divisionPrefix.startsWith(f.province))
    throw new BadInputError('divisionPrefix must lie inside the province', 'filter.divisionPrefix');
  return {
    province: f.province ?? null,
    divisionPrefix: f.divisionPrefix || null,
    fromDay,
    toDay,
    type: f.type ?? null,
  };
}

/** Validate a result limit (default, 1..max). */
export function parseLimit(value: number | null | undefined, fallback: number, max: number, field = 'limit'): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new BadInputError(`Must be an integer from 1 to ${max}`, field);
  return value;
}

export function inPeriod(day: string, filter: Pick<AnalyticsFilter, 'fromDay' | 'toDay'>): boolean {
  return (!filter.fromDay || day >= filter.fromDay) && (!filter.toDay || day <= filter.toDay);
}

/** The year age bands are computed for: the end of the period, else the current year. */
export function referenceYear(filter: Pick<AnalyticsFilter, 'toDay'>, now: Date): number {
  return filter.toDay ? Number(filter.toDay.slice(0, 4)) : now.getUTCFullYear();
}
