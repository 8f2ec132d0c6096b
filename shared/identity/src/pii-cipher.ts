import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption of personal data at rest: AES-256-GCM, a fresh 96-bit IV per value, the key id stored
 * with the value so keys can rotate (old values stay readable while new ones use the active key), and
 * a purpose bound in as associated data so an encrypted phone cannot be passed off as an ID number.
 * Format: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export interface PiiCipher {
  readonly activeKid: string;
  encrypt(plain: string, purpose: string): string;
  decrypt(sealed: string, purpose: string): string;
  /** The key id a value was sealed with (for re-encryption after rotation). */
  kidOf(sealed: string): string;
}

export function parsePiiKeys(json: string): Map<string, Buffer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('PII keys must be a JSON object of key id → base64 key');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('PII keys must be a JSON object');
  const keys = new Map<string, Buffer>();
  for (const [kid, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new Error(`PII key id ${kid} is not plain`);
    const key = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) throw new Error(`PII key ${kid} must be 32 bytes (base64)`);
    keys.set(kid, key);
  }
  if (keys.size === 0) throw new Error('at least one PII key is required');
  return keys;
}

export function createPiiCipher(keys: ReadonlyMap<string, Buffer>, activeKid: string): PiiCipher {
  const active = keys.get(activeKid);
  if (!active) throw new Error(`active PII key ${activeKid} is not among the keys`);
  return {
    activeKid,
    encrypt(plain, purpose) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', active, iv);
      cipher.setAAD(Buffer.from(purpose, 'utf8'));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', activeKid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    decrypt(sealed, purpose) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('not a sealed value');
      const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
      const key = keys.get(kid);
      if (!key) throw new Error(`unknown PII key ${kid}`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(purpose, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
    kidOf(sealed) {
      return sealed.split('.')[1] ?? '';
    },
  };
}
