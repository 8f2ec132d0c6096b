import { BadInputError } from '@creditbank/kernel';

/**
 * GB 32100-2015 unified social credit codes (统一社会信用代码): 18 characters from an alphabet of 31
 * (digits and capitals without I, O, Z, S, V). Position 1: registration authority; 2: organisation
 * category; 3–8: administrative division; 9–17: organisation code; 18: check character,
 * (31 − Σ cᵢ·wᵢ mod 31) mod 31 with weights wᵢ = 3^(i−1) mod 31.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n));
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new Error('character outside the GB 32100 alphabet');
    sum += v * WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function isValidUscc(raw: unknown): raw is string {
  if (typeof raw !== 'string') return false;
  const code = raw.trim().toUpperCase();
  return SHAPE.test(code) && usccCheckChar(code.slice(0, 17)) === code[17];
}

/** Normalise (trim, upper-case) and validate, or throw BAD_USER_INPUT naming the field. */
export function parseUscc(raw: unknown, field = 'code'): string {
  if (typeof raw !== 'string' || raw.length > 32) throw new BadInputError('Unified social credit code must be 18 characters', field);
  const code = raw.trim().toUpperCase();
  if (!SHAPE.test(code)) {
    throw new BadInputError('Unified social credit code must be 18 characters of digits and capitals (no I, O, Z, S, V)', field);
  }
  if (usccCheckChar(code.slice(0, 17)) !== code[17])
    throw new BadInputError('Unified social credit code check character does not match', field);
  return code;
}

/** The division (positions 3–8) a code was registered in. */
export function usccDivision(code: string): string {
  return code.slice(2, 8);
}

/** Make a valid code (test data and demo worlds). `serial` fills the organisation-code part. */
export function makeUscc(division: string, serial: number, prefix = '52'): string {
  let body = '';
  let n = serial;
  for (let i = 0; i < 9; i++) {
    body = USCC_ALPHABET[n % 31]! + body;
    n = Math.floor(n / 31);
  }
  const first17 = `${prefix}${division}${body}`;
  return first17 + usccCheckChar(first17);
}
