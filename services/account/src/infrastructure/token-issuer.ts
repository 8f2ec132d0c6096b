import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTokenSigner, parseJwks } from '@creditbank/auth';
import type { TokenIssuer } from '../use-cases/ports';

export interface SigningConfig {
  privateKeyPem: string;
  kid: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** The published JWKS: the signing key's public half must be in it. */
  jwks: string;
}

export function readPrivateKey(env: { JWT_PRIVATE_KEY?: string | undefined; JWT_PRIVATE_KEY_FILE?: string | undefined }): string {
  return env.JWT_PRIVATE_KEY ?? readFileSync(env.JWT_PRIVATE_KEY_FILE as string, 'utf8');
}

/**
 * Issues the platform's tokens (ES256, `kid`, `iss`, `aud`, `exp`). Refuses to start when the signing
 * key is not the one the JWKS publishes under its kid: every service verifies with the JWKS.
 */
export function createTokenIssuer(config: SigningConfig): TokenIssuer {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(config.privateKeyPem);
  } catch {
    throw new Error('JWT private key is not a valid PEM key');
  }
  const published = parseJwks(config.jwks).get(config.kid);
  if (!published) throw new Error(`JWT_SIGNING_KID ${config.kid} is not in the JWKS`);
  const mine = createPublicKey(privateKey).export({ format: 'jwk' });
  const theirs = published.export({ format: 'jwk' });
  if (mine.x !== theirs.x || mine.y !== theirs.y) throw new Error(`the JWKS key ${config.kid} is not the public half of the signing key`);
  const signer = createTokenSigner({
    kid: config.kid,
    privateKey,
    issuer: config.issuer,
    audience: config.audience,
    ttlSec: config.ttlSeconds,
  });
  return { issue: (claims) => signer.sign(claims) };
}
