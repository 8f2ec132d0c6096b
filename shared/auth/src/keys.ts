import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

/** Key ids are short and plain: a `kid` like "../../etc/passwd" is refused before any lookup. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface PublicJwk extends JsonWebKey {
  kid: string;
  kty: string;
  alg?: string;
  use?: string;
}

export interface Jwks {
  keys: PublicJwk[];
}

/** Public keys by kid; during rotation two (or more) are valid at once. */
export type PublicKeyRing = ReadonlyMap<string, KeyObject>;

export function parseJwks(json: string): PublicKeyRing {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new Error('JWKS is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as Jwks).keys)) {
    throw new Error('JWKS must be an object with a "keys" array');
  }
  const ring = new Map<string, KeyObject>();
  for (const jwk of (doc as Jwks).keys) {
    if (typeof jwk.kid !== 'string' || !KID_PATTERN.test(jwk.kid)) throw new Error('every JWKS key needs a plain kid');
    if ('d' in jwk) throw new Error(`JWKS key ${jwk.kid} contains private material`);
    ring.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
  }
  return ring;
}

export function toJwks(keys: readonly PublicJwk[]): Jwks {
  return { keys: keys.map((k) => ({ ...k })) };
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/** A fresh ES256 (P-256) key pair: for local development and tests. */
export function generateSigningKey(kid: string): SigningKey {
  if (!KID_PATTERN.test(kid)) throw new Error('kid must match ' + String(KID_PATTERN));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, publicJwk: { ...jwk, kid, kty: 'EC', alg: 'ES256', use: 'sig' } };
}
