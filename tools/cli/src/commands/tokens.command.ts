import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { createTokenSigner } from '@creditbank/auth';
import { ROLES, type Role } from '@creditbank/kernel';

/**
 * `creditbank tokens`: mint a development token for any role, signed with the local development key
 * that `npm start` creates (`.local/keys/dev-1.pem`). Production tokens come from `login` only; the
 * production key never leaves its secret store.
 */
export interface MintOptions {
  role: string;
  province: string;
  sub?: string;
  node?: string;
  inst?: string;
  acct?: string;
  ttlHours: number;
  keyFile?: string;
  kid: string;
  issuer: string;
  audience: string;
}

export class TokenOptionError extends Error {}

export function defaultKeyFile(): string {
  return process.env['CREDITBANK_KEY_FILE'] ?? join(process.cwd(), '.local', 'keys', 'dev-1.pem');
}

export function mintToken(o: MintOptions): { token: string; expiresAt: Date } {
  if (!(ROLES as readonly string[]).includes(o.role)) throw new TokenOptionError(`role must be one of ${ROLES.join(', ')}`);
  const role = o.role as Role;
  if (!/^\d{2}$/.test(o.province)) throw new TokenOptionError('province must be a two-digit code such as 33');
  if (role === 'INTAKE_OPERATOR' && !o.node) throw new TokenOptionError('an INTAKE_OPERATOR token needs --node <service node id>');
  if ((role === 'INSTITUTION_ADMIN' || role === 'UNIVERSITY_PARTNER') && !o.inst)
    throw new TokenOptionError(`a ${role} token needs --inst <institution code>`);
  if (role === 'LEARNER' && !o.acct) throw new TokenOptionError('a LEARNER token needs --acct <accountNo>');
  if (!(o.ttlHours > 0 && o.ttlHours <= 24 * 7)) throw new TokenOptionError('ttl must be between 0 and 168 hours');
  const keyFile = o.keyFile ?? defaultKeyFile();
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch {
    throw new TokenOptionError(`no signing key at ${keyFile}: run \`npm start\` once (it creates the development key) or pass --key-file`);
  }
  const signer = createTokenSigner({
    kid: o.kid,
    privateKey: createPrivateKey(pem),
    issuer: o.issuer,
    audience: o.audience,
    ttlSec: Math.round(o.ttlHours * 3600),
  });
  const sub = o.sub ?? (role === 'LEARNER' ? o.acct! : `dev-${role.toLowerCase().replace(/_/g, '-')}-${o.province}`);
  return signer.sign({
    sub,
    role,
    prov: o.province,
    ...(o.node ? { node: o.node } : {}),
    ...(o.inst ? { inst: o.inst } : {}),
    ...(o.acct ? { acct: o.acct } : {}),
  });
}
