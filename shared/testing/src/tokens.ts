import { createTokenSigner, generateSigningKey, toJwks, type TokenClaims } from '@creditbank/auth';
import type { Role } from '@creditbank/kernel';

/**
 * Test token minting: one ES256 key per test process, published as the JWKS the services under test
 * trust. Tokens look exactly like the account service's.
 */
const key = generateSigningKey('test-key-1');
const signer = createTokenSigner({
  kid: key.kid,
  privateKey: key.privateKey,
  issuer: 'creditbank',
  audience: 'creditbank-api',
  ttlSec: 3600,
});

export const TEST_JWT_ISSUER = 'creditbank';
export const TEST_JWT_AUDIENCE = 'creditbank-api';

export function testJwks(): string {
  return JSON.stringify(toJwks([key.publicJwk]));
}

export function testSigningKey() {
  return key;
}

/** A separate key for outcome certificates, as the outcome service reads it. */
const certificateKey = generateSigningKey('test-cert-1');

export function testCertificateKeyEnv(): { CERT_SIGNING_KEY: string; CERT_SIGNING_KID: string; CERT_JWKS: string } {
  return {
    CERT_SIGNING_KEY: certificateKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    CERT_SIGNING_KID: certificateKey.kid,
    CERT_JWKS: JSON.stringify(toJwks([certificateKey.publicJwk])),
  };
}

/** The signing key as the account service reads it (PEM) and its kid. */
export function testSigningKeyEnv(): { JWT_PRIVATE_KEY: string; JWT_SIGNING_KID: string } {
  return { JWT_PRIVATE_KEY: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), JWT_SIGNING_KID: key.kid };
}

export interface MintOptions {
  role: Role;
  province?: string;
  sub?: string;
  node?: string;
  inst?: string;
  acct?: string;
  ttlSec?: number;
}

export function mintToken(options: MintOptions): string {
  const claims: TokenClaims = {
    sub: options.sub ?? options.acct ?? `test-${options.role.toLowerCase()}`,
    role: options.role,
    prov: options.province ?? '33',
    ...(options.node ? { node: options.node } : {}),
    ...(options.inst ? { inst: options.inst } : {}),
    ...(options.acct ? { acct: options.acct } : {}),
  };
  return signer.sign(claims, options.ttlSec).token;
}

/** Ready-made tokens for every role. */
export const tokens = {
  platformAdmin: (province = '33') => mintToken({ role: 'PLATFORM_ADMIN', province }),
  centerAdmin: (province = '33') => mintToken({ role: 'CENTER_ADMIN', province }),
  operator: (node: string, province = '33', sub = `op-${node}`) => mintToken({ role: 'INTAKE_OPERATOR', province, node, sub }),
  institutionAdmin: (inst: string, province = '33') => mintToken({ role: 'INSTITUTION_ADMIN', province, inst }),
  expert: (province = '33') => mintToken({ role: 'EXPERT', province }),
  universityPartner: (inst: string, province = '33') => mintToken({ role: 'UNIVERSITY_PARTNER', province, inst }),
  analyst: (province = '33') => mintToken({ role: 'ANALYST', province }),
  learner: (acct: string) => mintToken({ role: 'LEARNER', province: acct.slice(0, 2), acct }),
};
