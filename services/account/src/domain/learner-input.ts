import { BadInputError, type FreeTextRules } from '@creditbank/kernel';
import { MOBILE_PATTERN } from '@creditbank/identity';

/** Field rules shared by every way of opening or updating an account. */
export const DIVISION_PATTERN = /^[1-9][0-9]{5}([0-9]{3})?$/;

/** A learner's name (`freeText` rules): 1 to 50 characters, one line, no `<` or `>`. */
export const NAME_RULES = { max: 50, required: true, noAngleBrackets: true } as const satisfies FreeTextRules;

export function requireDivision(value: string, field: string, province?: string): string {
  const division = value.trim();
  if (!DIVISION_PATTERN.test(division)) throw new BadInputError('Administrative division must be a 6- or 9-digit GB/T 2260 code', field);
  if (province !== undefined && division.slice(0, 2) !== province) {
    throw new BadInputError('Administrative division lies outside your province', field);
  }
  return division;
}

export function optionalPhone(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const phone = value.replace(/[\s-]/g, '');
  if (!MOBILE_PATTERN.test(phone)) throw new BadInputError('Phone must be an 11-digit mainland mobile number', field);
  return phone;
}

export function requirePhone(value: string, field: string): string {
  const phone = optionalPhone(value, field);
  if (phone === null) throw new BadInputError('Phone is required', field);
  return phone;
}
