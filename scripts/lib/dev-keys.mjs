// Development signing key for tokens (ES256), kept under the git-ignored .local/keys. Production
// keys come from a secret store; see docs/operations.md.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEV_KID = 'dev-1';

/** A development ES256 key (`kid`) and its JWKS under <localDir>/keys; created once. */
export function ensureDevKeys(localDir, kid = DEV_KID) {
  const dir = join(localDir, 'keys');
  const privateFile = join(dir, `${kid}.pem`);
  const jwksFile = join(dir, kid === DEV_KID ? 'jwks.json' : `${kid}.jwks.json`);
  if (!existsSync(privateFile) || !existsSync(jwksFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const jwk = publicKey.export({ format: 'jwk' });
    writeFileSync(jwksFile, `${JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] }, null, 2)}\n`);
  }
  const privateKey = createPrivateKey(readFileSync(privateFile));
  return { kid, privateFile, jwksFile, privateKey, publicKey: createPublicKey(privateKey) };
}
