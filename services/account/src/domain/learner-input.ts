import { BadInputError } from '@creditbank/kernel';
import { MOBILE_PATTERN } from '@creditbank/identity';

/** Field rules shared by every way of opening or updating an account. */
export const DIVISION_PATTERN = /^[1-9][0-9]{5}([0-9]{3})?$/;

export function requireName(value: string, field: string): string {
  const name = value.normalize('NFC').trim();
  if (name.length < 1 || name.length > 50) throw new BadInputError('Name must be 1 to 50 characters', field);
  // Control and format characters (zero-width, bidi overrides) and lone surrogates: invisible or spoofing.
  if (/[\p{Cc}\p{Cf}\p{Cs}<>]/u.test(name)) throw new BadInputError('Name contains characters that are not allowed', field);
  return name;
}

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

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  const text = value.normalize('NFC').trim();
  if (text === '') return null;
  if (text.length > max) throw new BadInputError(`Must be at most ${max} characters`, field);
  if (/\p{Cc}/u.test(text)) throw new BadInputError('Contains control characters', field);
  return text;
}

export function requireText(value: string, field: string, max: number): string {
  const text = optionalText(value, field, max);
  if (text === null) throw new BadInputError('Must not be empty', field);
  return text;
}

export function requirePhone(value: string, field: string): string {
  const phone = optionalPhone(value, field);
  if (phone === null) throw new BadInputError('Phone is required', field);
  return phone;
}
