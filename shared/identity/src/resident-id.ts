import { BadInputError, mod11_2 } from '@creditbank/kernel';

/**
 * GB 11643-1999 citizen identity numbers: 6-digit division of registration, 8-digit birth date,
 * 3-digit sequence (odd = male, even = female), ISO 7064 MOD 11-2 check character.
 */
export interface ResidentId {
  /** Normalised: 18 characters, upper-case X. */
  readonly value: string;
  readonly division: string;
  readonly province: string;
  readonly birthDate: string; // YYYY-MM-DD
  readonly birthYear: number;
  readonly gender: 'MALE' | 'FEMALE';
}

export type ResidentIdProblem = 'format' | 'checksum' | 'birth-date' | 'division';

const SHAPE = /^[1-9][0-9]{16}[0-9X]$/;
/** Province-level codes of GB/T 2260 (incl. 71 Taiwan, 81 Hong Kong, 82 Macao). */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

export function normaliseResidentId(raw: string): string {
  return raw.trim().toUpperCase();
}

/** Check a resident ID number; returns the problem, or the parsed identity. */
export function checkResidentId(
  raw: unknown,
  today = new Date(),
): { ok: true; id: ResidentId } | { ok: false; problem: ResidentIdProblem } {
  if (typeof raw !== 'string' || raw.length > 32) return { ok: false, problem: 'format' };
  const value = normaliseResidentId(raw);
  if (!SHAPE.test(value)) return { ok: false, problem: 'format' };
  if (mod11_2(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'checksum' };
  const division = value.slice(0, 6);
  const province = value.slice(0, 2);
  if (!PROVINCES.has(province) || (division.slice(2, 4) === '00' && division.slice(4) !== '00')) {
    return { ok: false, problem: 'division' };
  }
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (
    y < 1900 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d ||
    date.getTime() > today.getTime()
  ) {
    return { ok: false, problem: 'birth-date' };
  }
  const seq = Number(value[16]);
  return {
    ok: true,
    id: {
      value,
      division,
      province,
      birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
      birthYear: y,
      gender: seq % 2 === 1 ? 'MALE' : 'FEMALE',
    },
  };
}

const PROBLEM_MESSAGES: Record<ResidentIdProblem, string> = {
  format: 'ID number must be 18 characters: 17 digits and a final digit or X',
  checksum: 'ID number check digit does not match',
  'birth-date': 'ID number contains an impossible birth date',
  division: 'ID number contains an unknown administrative division',
};

/** Parse or throw BAD_USER_INPUT naming the field (never echoing the number). */
export function parseResidentId(raw: unknown, field = 'idNumber', today?: Date): ResidentId {
  const r = checkResidentId(raw, today);
  if (!r.ok) throw new BadInputError(PROBLEM_MESSAGES[r.problem], field, { reason: r.problem });
  return r.id;
}

/** First 6 and last 4 characters shown: 330106********123X. */
export function maskResidentId(value: string): string {
  return value.length < 10 ? '*'.repeat(value.length) : `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** Mainland mobile numbers: 1 + 10 digits; shown as 138****8000. */
export const MOBILE_PATTERN = /^1[3-9][0-9]{9}$/;

export function maskPhone(phone: string): string {
  return phone.length < 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** Make a valid ID number (test data and demo worlds): division, birth date, sequence 0-999. */
export function makeResidentId(division: string, birthDate: string, sequence: number): string {
  const body = `${division}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  if (!/^[0-9]{17}$/.test(body)) throw new Error('bad parts');
  return body + mod11_2(body);
}

/** 王秀英 → 王*英, 李芳 → 李*, 欧阳秀兰 → 欧**兰: the first and (for 3+ characters) the last character. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
