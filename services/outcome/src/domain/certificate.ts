/** A verifiable outcome certificate (学习成果证明). Pure: no I/O. */
export interface CertificateOutcome {
  id: string;
  title: string;
  type: 'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC';
  catalogItemCode: string;
  catalogItemVersion: number | null;
  institutionCode: string | null;
  achievedAt: string;
  recognizedCredits: number | null;
}

export interface Certificate {
  id: string;
  /** Short, unguessable verification code printed on the certificate (e.g. 7KQF-3M9X-2HWD). */
  code: string;
  accountNo: string;
  province: string;
  learnerNameMasked: string | null;
  outcomes: CertificateOutcome[];
  /** The signed credential (VC 2.0 / Open Badges 3.0 shape, JOSE: ES256 JWT). */
  token: string;
  issuedAt: Date;
  issuedBy: string;
  revoked: { at: Date; by: string; reason: string } | null;
}

export type VerificationStatus = 'VALID' | 'REVOKED' | 'TAMPERED' | 'UNKNOWN';

/** Crockford base32 without look-alikes: 12 characters ≈ 60 bits, shown in groups of four. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function makeVerificationCode(random: Uint8Array): string {
  let bits = 0n;
  for (const b of random.subarray(0, 8)) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 12; i++) {
    out += ALPHABET[Number(bits & 31n)];
    bits >>= 5n;
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

/** Normalise what a person types: case, spaces, dashes, and the usual look-alikes. */
export function normaliseVerificationCode(raw: string): string | null {
  const cleaned = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(cleaned)) return null;
  return `${cleaned.slice(0, 4)}-${cleaned.slice(4, 8)}-${cleaned.slice(8, 12)}`;
}
