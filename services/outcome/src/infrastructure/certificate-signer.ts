import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { KID_PATTERN, parseJwks, type PublicKeyRing } from '@creditbank/auth';
import type { CertificateOutcome } from '../domain/certificate';

/**
 * Outcome certificates as W3C Verifiable Credentials 2.0 in the Open Badges 3.0 shape, secured with
 * JOSE (an ES256 JWT, `typ: vc+jwt`, `kid` naming the key). Anyone can check one offline with the
 * published keys (`/.well-known/certificate-keys.json`): the signature covers every claim, so a
 * changed byte breaks it.
 */
export interface CertificateClaims {
  certificateId: string;
  code: string;
  accountNo: string;
  learnerNameMasked: string | null;
  outcomes: CertificateOutcome[];
  issuedAt: Date;
  issuerName: string;
}

export interface CertificateSigner {
  readonly kid: string;
  sign(claims: CertificateClaims): string;
  /** Verify a token's signature with the published keys; `claims` only when it verifies. */
  verify(token: string): { ok: true; claims: CertificateClaims } | { ok: false; reason: 'tampered' | 'malformed' | 'unknown-key' };
}

const CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

export function createCertificateSigner(options: {
  privateKeyPem: string;
  kid: string;
  jwks: string;
  issuerId: string;
}): CertificateSigner {
  if (!KID_PATTERN.test(options.kid)) throw new Error('certificate signing kid must be plain');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(options.privateKeyPem);
  } catch {
    throw new Error('certificate signing key is not a valid PEM key');
  }
  const ring: PublicKeyRing = parseJwks(options.jwks);
  if (!ring.has(options.kid)) throw new Error(`certificate signing kid ${options.kid} is not in the certificate JWKS`);

  return {
    kid: options.kid,
    sign(c) {
      const credential = {
        '@context': CONTEXT,
        id: `urn:uuid:${c.certificateId}`,
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuer: { id: options.issuerId, type: ['Profile'], name: c.issuerName },
        validFrom: c.issuedAt.toISOString(),
        name: '学习成果证明 / Learning outcome certificate',
        credentialSubject: {
          type: ['AchievementSubject'],
          // The learner is named by account number; the name only masked.
          identifier: [{ type: 'IdentityObject', identityType: 'identifier', hashed: false, identityHash: c.accountNo }],
          name: c.learnerNameMasked,
          achievement: {
            id: `urn:creditbank:certificate:${c.code}`,
            type: ['Achievement'],
            name: '终身学习成果 / Lifelong learning outcomes',
            description: 'Learning outcomes recognised by the credit bank against its published standards.',
            criteria: {
              narrative:
                'Outcomes deposited by accredited institutions or intake points and recognised under the credit standard in force.',
            },
          },
          result: c.outcomes.map((o) => ({
            type: ['Result'],
            resultDescription: `urn:creditbank:outcome:${o.id}`,
            value: o.recognizedCredits === null ? undefined : String(o.recognizedCredits),
            status: 'Completed',
          })),
        },
        creditbank: { code: c.code, accountNo: c.accountNo, outcomes: c.outcomes },
      };
      return jwt.sign(credential, privateKey, {
        algorithm: 'ES256',
        keyid: options.kid,
        header: { alg: 'ES256', kid: options.kid, typ: 'vc+jwt' },
        issuer: options.issuerId,
        subject: c.accountNo,
        jwtid: c.certificateId || randomUUID(),
        noTimestamp: false,
      });
    },
    verify(token) {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded === 'string' || typeof decoded.payload === 'string') return { ok: false, reason: 'malformed' };
      const kid = decoded.header.kid;
      if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) return { ok: false, reason: 'malformed' };
      const key = ring.get(kid);
      if (!key) return { ok: false, reason: 'unknown-key' };
      let payload: jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key, { algorithms: ['ES256'], issuer: options.issuerId }) as jwt.JwtPayload;
      } catch {
        return { ok: false, reason: 'tampered' };
      }
      const cb = payload['creditbank'] as { code: string; accountNo: string; outcomes: CertificateOutcome[] } | undefined;
      const subject = payload['credentialSubject'] as { name?: string | null } | undefined;
      if (!cb || typeof payload.jti !== 'string' || typeof payload['validFrom'] !== 'string') return { ok: false, reason: 'malformed' };
      return {
        ok: true,
        claims: {
          certificateId: payload.jti,
          code: cb.code,
          accountNo: cb.accountNo,
          learnerNameMasked: subject?.name ?? null,
          outcomes: cb.outcomes,
          issuedAt: new Date(payload['validFrom']),
          issuerName: (payload['issuer'] as { name?: string } | undefined)?.name ?? '',
        },
      };
    },
  };
}
