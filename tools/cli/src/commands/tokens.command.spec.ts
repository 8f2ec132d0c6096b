import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, generateSigningKey, parseJwks, toJwks } from '@creditbank/auth';
import { mintToken } from './tokens.command';

const key = generateSigningKey('dev-1');
const keyFile = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'dev-1.pem');
writeFileSync(keyFile, key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const base = { province: '33', ttlHours: 1, keyFile, kid: 'dev-1', issuer: 'creditbank', audience: 'creditbank-api' };

describe('creditbank tokens', () => {
  it('mints a token the services accept, bound to what the role needs', () => {
    const verifier = createTokenVerifier({
      keys: parseJwks(JSON.stringify(toJwks([key.publicJwk]))),
      issuer: 'creditbank',
      audience: 'creditbank-api',
    });
    const caller = verifier.verify(mintToken({ ...base, role: 'INTAKE_OPERATOR', node: 'sn-330106013' }).token);
    expect(caller).toMatchObject({ kind: 'user', role: 'INTAKE_OPERATOR', province: '33', node: 'sn-330106013' });
  });

  it.each([
    [{ role: 'GOD' }, /role must be one of/],
    [{ role: 'INTAKE_OPERATOR' }, /needs --node/],
    [{ role: 'INSTITUTION_ADMIN' }, /needs --inst/],
    [{ role: 'LEARNER' }, /needs --acct/],
    [{ role: 'ANALYST', province: '3' }, /two-digit/],
    [{ role: 'ANALYST', ttlHours: 1000 }, /ttl/],
    [{ role: 'ANALYST', keyFile: '/nonexistent/key.pem' }, /run `npm start` once/],
  ])('refuses %j with a clear message', (extra, message) => {
    expect(() => mintToken({ ...base, ...extra } as Parameters<typeof mintToken>[0])).toThrow(message);
  });
});
