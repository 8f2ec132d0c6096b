import { isProvinceCode } from './roles';

/**
 * Lifelong learning account numbers: 2-digit province prefix + 9-digit serial + ISO 7064 MOD 11-2
 * check character (0-9 or X), e.g. `33000000017X`-style. Never reused; the province is readable from
 * the number so any service can apply tenancy to a reference without a lookup.
 */
export const ACCOUNT_NO_PATTERN = /^[1-9][0-9][0-9]{9}[0-9X]$/;

/** ISO 7064 MOD 11-2 check character over a string of digits. */
export function mod11_2(digits: string): string {
  let sum = 0;
  for (const ch of digits) {
    const d = ch.charCodeAt(0) - 48;
    if (d < 0 || d > 9) throw new Error('digits only');
    sum = ((sum + d) * 2) % 11;
  }
  const check = (12 - sum) % 11;
  return check === 10 ? 'X' : String(check);
}

export function makeAccountNo(province: string, serial: number): string {
  if (!isProvinceCode(province)) throw new Error('bad province');
  if (!Number.isInteger(serial) || serial < 1 || serial > 999_999_999) throw new Error('serial out of range');
  const body = province + String(serial).padStart(9, '0');
  return body + mod11_2(body);
}

export function isValidAccountNo(value: unknown): value is string {
  if (typeof value !== 'string' || !ACCOUNT_NO_PATTERN.test(value)) return false;
  return mod11_2(value.slice(0, 11)) === value[11];
}

export function provinceOfAccountNo(accountNo: string): string {
  return accountNo.slice(0, 2);
}
