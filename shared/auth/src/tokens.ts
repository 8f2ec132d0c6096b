import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { type AuthenticatedCaller, type Caller, ANONYMOUS, UnauthenticatedError, isProvinceCode, isRole } from '@creditbank/kernel';
import { KID_PATTERN, type PublicKeyRing } from './keys';

/** The one algorithm tokens are signed with. Pinned: a token naming any other is refused. */
export const TOKEN_ALGORITHM = 'ES256' as const;

export interface TokenClaims {
  sub: string;
  role: string;
  prov: string;
  node?: string;
  inst?: string;
  acct?: string;
}

export interface TokenVerifierOptions {
  keys: PublicKeyRing;
  issuer: string;
  audience: string;
  /** Leeway for clock skew, seconds. */
  clockToleranceSec?: number;
}

export interface TokenVerifier {
  verify(token: string): AuthenticatedCaller;
  /** `Authorization: Bearer …` → caller; no header → anonymous; a bad token → UNAUTHENTICATED. */
  callerFromHeader(header: string | undefined | null): Caller;
}

const MAX_TOKEN_LENGTH = 4096;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const tolerance = options.clockToleranceSec ?? 30;

  function verify(token: string): AuthenticatedCaller {
    if (token.length > MAX_TOKEN_LENGTH) throw new UnauthenticatedError('Invalid token');
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded === 'string' || typeof decoded.header !== 'object') {
      throw new UnauthenticatedError('Invalid token');
    }
    const { alg, kid } = decoded.header;
    if (alg !== TOKEN_ALGORITHM) throw new UnauthenticatedError('Invalid token');
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw new UnauthenticatedError('Invalid token');
    const key = options.keys.get(kid);
    if (!key) throw new UnauthenticatedError('Invalid token');
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: tolerance,
      });
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new UnauthenticatedError(expired ? 'Token expired' : 'Invalid token');
    }
    if (typeof payload === 'string' || payload.exp === undefined) throw new UnauthenticatedError('Invalid token');
    return callerFromClaims(payload);
  }

  return {
    verify,
    callerFromHeader(header) {
      if (header === undefined || header === null || header === '') return ANONYMOUS;
      const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header.trim());
      if (!match) throw new UnauthenticatedError('Authorization must be a Bearer token');
      return verify(match[1]!);
    },
  };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : undefined;
}

function callerFromClaims(claims: jwt.JwtPayload): AuthenticatedCaller {
  const { sub, role, prov } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) throw new UnauthenticatedError('Invalid token');
  if (!isRole(role) || !isProvinceCode(prov)) throw new UnauthenticatedError('Invalid token');
  const node = optionalString(claims['node']);
  const inst = optionalString(claims['inst']);
  const acct = optionalString(claims['acct']);
  if (role === 'LEARNER' && !acct) throw new UnauthenticatedError('Invalid token');
  return {
    kind: 'user',
    sub,
    role,
    province: prov,
    ...(node ? { node } : {}),
    ...(inst ? { inst } : {}),
    ...(acct ? { acct } : {}),
  };
}

export interface TokenSignerOptions {
  kid: string;
  privateKey: KeyObject;
  issuer: string;
  audience: string;
  ttlSec: number;
}

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenSigner {
  sign(claims: TokenClaims, ttlSec?: number): SignedToken;
}

export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  return {
    sign(claims, ttlSec = options.ttlSec) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + ttlSec;
      const body: Record<string, unknown> = { role: claims.role, prov: claims.prov, iat: now, exp };
      if (claims.node) body['node'] = claims.node;
      if (claims.inst) body['inst'] = claims.inst;
      if (claims.acct) body['acct'] = claims.acct;
      const token = jwt.sign(body, options.privateKey, {
        algorithm: TOKEN_ALGORITHM,
        keyid: options.kid,
        issuer: options.issuer,
        audience: options.audience,
        subject: claims.sub,
        jwtid: randomUUID(),
      });
      return { token, expiresAt: new Date(exp * 1000) };
    },
  };
}
