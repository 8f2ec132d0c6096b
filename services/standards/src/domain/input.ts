import { BadInputError } from '@creditbank/kernel';

/** Field rules shared by the standards service's inputs. Messages name the rule, never the value. */

/** A finite number in [min, max] with at most `decimals` decimals. */
export function requireNumber(value: number | null | undefined, field: string, min: number, max: number, decimals = 3): number {
  if (value === undefined || value === null) throw new BadInputError('Is required', field);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new BadInputError(`Must be a number from ${min} to ${max}`, field);
  const scaled = value * 10 ** decimals;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) throw new BadInputError(`Must have at most ${decimals} decimals`, field);
  return value;
}

export function optionalNumber(value: number | null | undefined, field: string, min: number, max: number, decimals = 3): number | null {
  if (value === undefined || value === null) return null;
  return requireNumber(value, field, min, max, decimals);
}

/** Strictly positive: (0, max]. */
export function optionalPositive(value: number | null | undefined, field: string, max: number, decimals = 3): number | null {
  const n = optionalNumber(value, field, 0, max, decimals);
  if (n !== null && n <= 0) throw new BadInputError(`Must be above 0 and at most ${max}`, field);
  return n;
}

export function optionalInt(value: number | null | undefined, field: string, min: number, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new BadInputError(`Must be a whole number from ${min} to ${max}`, field);
  return value;
}

export const PROVINCE_PATTERN = /^[1-9][0-9]$/;

export function requireProvince(value: string | null | undefined, field: string): string {
  if (typeof value !== 'string' || !PROVINCE_PATTERN.test(value.trim()))
    throw new BadInputError('Province must be a two-digit code', field);
  return value.trim();
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO-8601 date or date-time. A date alone means the start of that day in China Standard Time, or
 * its end with `endOfDay` (validUntil 2029-12-31 is valid through that whole day).
 */
export function parseInstant(value: string, field: string, endOfDay = false): Date {
  const v = value.trim();
  let ms: number;
  if (DATE_ONLY.test(v)) {
    ms = Date.parse(`${v}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}+08:00`);
    if (!Number.isNaN(ms) && new Date(ms + 8 * 3600_000).toISOString().slice(0, 10) !== v) ms = NaN;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    ms = Date.parse(v);
  } else {
    ms = NaN;
  }
  if (Number.isNaN(ms)) throw new BadInputError('Must be an ISO-8601 date (YYYY-MM-DD) or date-time with a time zone', field);
  return new Date(ms);
}

/** Distinct values of a closed set. */
export function requireSet<T extends string>(values: readonly T[] | null | undefined, field: string, allowed: readonly T[], min = 1): T[] {
  const list = values ?? [];
  if (list.length < min || list.length > allowed.length) throw new BadInputError(`Give ${min} to ${allowed.length} values`, field);
  const out: T[] = [];
  for (const [i, v] of list.entries()) {
    if (!allowed.includes(v)) throw new BadInputError('Unknown value', `${field}.${i}`);
    if (out.includes(v)) throw new BadInputError('Listed twice', `${field}.${i}`);
    out.push(v);
  }
  return out;
}
