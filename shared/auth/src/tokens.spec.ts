import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { generateSigningKey, parseJwks, toJwks } from './keys';
import { createTokenSigner, createTokenVerifier } from './tokens';

const key = generateSigningKey('k1');
const next = generateSigningKey('k2');
const ring = parseJwks(JSON.stringify(toJwks([key.publicJwk, next.publicJwk])));
const verifier = createTokenVerifier({ keys: ring, issuer: 'creditbank', audience: 'creditbank-api' });
const signer = createTokenSigner({ kid: 'k1', privateKey: key.privateKey, issuer: 'creditbank', audience: 'creditbank-api', ttlSec: 600 });
const claims = { sub: 'u1', role: 'CENTER_ADMIN', prov: '33' };

function b64(obj: object): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

describe('token verification', () => {
  it('accepts a valid token from either key of a rotation', () => {
    expect(verifier.verify(signer.sign(claims).token)).toEqual({ kind: 'user', sub: 'u1', role: 'CENTER_ADMIN', province: '33' });
    const signer2 = createTokenSigner({
      kid: 'k2',
      privateKey: next.privateKey,
      issuer: 'creditbank',
      audience: 'creditbank-api',
      ttlSec: 60,
    });
    expect(verifier.verify(signer2.sign({ ...claims, node: 'n1' }).token).node).toBe('n1');
  });

  it('maps headers: none → anonymous, malformed → UNAUTHENTICATED', () => {
    expect(verifier.callerFromHeader(undefined)).toEqual({ kind: 'anonymous' });
    expect(() => verifier.callerFromHeader('Basic abc')).toThrow(/Bearer/);
    expect(verifier.callerFromHeader(`Bearer ${signer.sign(claims).token}`).kind).toBe('user');
  });

  const attacks: Array<[string, () => string]> = [
    [
      'alg none',
      () =>
        `${b64({ alg: 'none', typ: 'JWT', kid: 'k1' })}.${b64({ ...claims, iss: 'creditbank', aud: 'creditbank-api', exp: 9999999999 })}.`,
    ],
    [
      'HS256 signed with the public key',
      () => {
        const pem =
          key.publicJwk &&
          (require('node:crypto') as typeof import('node:crypto'))
            .createPublicKey({ key: key.publicJwk, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' });
        const h = b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' });
        const p = b64({ ...claims, iss: 'creditbank', aud: 'creditbank-api', exp: 9999999999 });
        const sig = createHmac('sha256', String(pem)).update(`${h}.${p}`).digest('base64url');
        return `${h}.${p}.${sig}`;
      },
    ],
    [
      'wrong audience',
      () =>
        jwt.sign({ ...claims }, key.privateKey, {
          algorithm: 'ES256',
          keyid: 'k1',
          issuer: 'creditbank',
          audience: 'other',
          expiresIn: 60,
        }),
    ],
    [
      'wrong issuer',
      () =>
        jwt.sign({ ...claims }, key.privateKey, {
          algorithm: 'ES256',
          keyid: 'k1',
          issuer: 'evil',
          audience: 'creditbank-api',
          expiresIn: 60,
        }),
    ],
    [
      'expired beyond leeway',
      () =>
        jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 120 }, key.privateKey, {
          algorithm: 'ES256',
          keyid: 'k1',
          issuer: 'creditbank',
          audience: 'creditbank-api',
        }),
    ],
    [
      'no expiry',
      () => jwt.sign({ ...claims }, key.privateKey, { algorithm: 'ES256', keyid: 'k1', issuer: 'creditbank', audience: 'creditbank-api' }),
    ],
    [
      'unknown kid',
      () =>
        jwt.sign({ ...claims }, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {
          algorithm: 'ES256',
          keyid: 'k9',
          issuer: 'creditbank',
          audience: 'creditbank-api',
          expiresIn: 60,
        }),
    ],
    [
      'path-like kid',
      () =>
        jwt.sign({ ...claims }, key.privateKey, {
          algorithm: 'ES256',
          keyid: '../../k1',
          issuer: 'creditbank',
          audience: 'creditbank-api',
          expiresIn: 60,
        }),
    ],
    [
      'signed by a foreign key under a known kid',
      () =>
        jwt.sign({ ...claims }, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {
          algorithm: 'ES256',
          keyid: 'k1',
          issuer: 'creditbank',
          audience: 'creditbank-api',
          expiresIn: 60,
        }),
    ],
    ['unknown role', () => signer.sign({ ...claims, role: 'GOD' }).token],
    ['bad province', () => signer.sign({ ...claims, prov: '3' }).token],
    ['learner without account', () => signer.sign({ ...claims, role: 'LEARNER' }).token],
    ['garbage', () => 'not.a.token'],
  ];

  it.each(attacks)('refuses %s', (_name, make) => {
    expect(() => verifier.verify(make())).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }) as Error);
  });

  it('tolerates small clock skew', () => {
    const token = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 }, key.privateKey, {
      algorithm: 'ES256',
      keyid: 'k1',
      issuer: 'creditbank',
      audience: 'creditbank-api',
    });
    expect(verifier.verify(token).sub).toBe('u1');
  });

  it('refuses a JWKS carrying private material', () => {
    const priv = key.privateKey.export({ format: 'jwk' });
    expect(() => parseJwks(JSON.stringify({ keys: [{ ...priv, kid: 'x' }] }))).toThrow(/private/);
  });
});
