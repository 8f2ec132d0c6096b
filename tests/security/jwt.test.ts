import { createPrivateKey, createPublicKey, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { graphql, testSigningKey, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';
import { subgraphOperations } from '../support/security';

// Forged and stale tokens, end to end: through the gateway and straight at a subgraph each is refused
// with 401 UNAUTHENTICATED and no resolver runs (the subgraphs' operation counters do not move).
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'forger',
    role: 'PLATFORM_ADMIN',
    prov: '33',
    iss: 'creditbank',
    aud: 'creditbank-api',
    iat: now(),
    exp: now() + 600,
    jti: 'forged',
    ...overrides,
  };
}

function es256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64({ typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const realKey = () => createPrivateKey(testSigningKey().privateKey.export({ type: 'pkcs8', format: 'pem' }));
const publicPem = () => createPublicKey(realKey()).export({ type: 'spki', format: 'pem' }).toString();
const strangerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const kid = () => testSigningKey().kid;

const attacks: Array<[string, () => string]> = [
  ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid: kid() })}.${b64(claims())}.`],
  ['alg none with a signature', () => `${b64({ alg: 'none', kid: kid() })}.${b64(claims())}.${b64(Buffer.from('x'))}`],
  [
    'HS256 signed with the public key (algorithm confusion)',
    () => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: kid() })}.${b64(claims())}`;
      return `${input}.${createHmac('sha256', publicPem()).update(input).digest('base64url')}`;
    },
  ],
  ['signed by another key under our kid', () => es256({ alg: 'ES256', kid: kid() }, claims(), strangerKey)],
  ['wrong issuer', () => es256({ alg: 'ES256', kid: kid() }, claims({ iss: 'evil' }), realKey())],
  ['wrong audience', () => es256({ alg: 'ES256', kid: kid() }, claims({ aud: 'other-api' }), realKey())],
  ['expired', () => es256({ alg: 'ES256', kid: kid() }, claims({ iat: now() - 7200, exp: now() - 3600 }), realKey())],
  ['no expiry', () => es256({ alg: 'ES256', kid: kid() }, { ...claims(), exp: undefined }, realKey())],
  ['unknown kid', () => es256({ alg: 'ES256', kid: 'no-such-key' }, claims(), realKey())],
  ['path-like kid', () => es256({ alg: 'ES256', kid: '../../../../dev/null' }, claims(), realKey())],
  ['URL kid', () => es256({ alg: 'ES256', kid: 'https://evil.example/jwks.json' }, claims(), realKey())],
  [
    'tampered payload (role raised after signing)',
    () => {
      const [h, , s] = tokens.learner('330100000000000X').split('.');
      return `${h}.${b64(claims())}.${s}`;
    },
  ],
  ['garbage', () => 'a.b.c'],
];

const QUERY = '{ learners(first: 1) { totalCount } }';

describe.each([
  ['the gateway', () => platform.gatewayUrl],
  ['the account subgraph directly', () => platform.subgraphUrl.account],
])('JWT attacks against %s', (_target, url) => {
  it('accepts a genuine token (control)', async () => {
    const r = await graphql(url(), QUERY, {}, { token: tokens.platformAdmin('33') });
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
  });

  it.each(attacks)('refuses %s with 401 UNAUTHENTICATED before any resolver runs', async (_name, forge) => {
    const before = await subgraphOperations(platform);
    const r = await graphql(url(), QUERY, {}, { token: forge() });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(r.data ?? null).toBeNull();
    expect(await subgraphOperations(platform)).toBe(before);
  });
});
