import { randomBytes, randomUUID } from 'node:crypto';
import { CertificateIssued, CertificateRevoked, createEvent, metaFrom } from '@creditbank/contracts';
import {
  BadInputError,
  NotFoundError,
  canReadLearner,
  freeText,
  isValidAccountNo,
  provinceOfAccountNo,
  type Caller,
  type CommandContext,
} from '@creditbank/kernel';
import {
  makeVerificationCode,
  normaliseVerificationCode,
  type Certificate,
  type CertificateOutcome,
  type VerificationStatus,
} from '../domain/certificate';
import type { LearningOutcome } from '../domain/outcome';
import { SOURCE } from './outcome-events';
import type { CertificateStore, OutcomeStore, ProjectionStore } from './ports';

export interface CertificateSigning {
  sign(claims: {
    certificateId: string;
    code: string;
    accountNo: string;
    learnerNameMasked: string | null;
    outcomes: CertificateOutcome[];
    issuedAt: Date;
    issuerName: string;
  }): string;
  verify(token: string):
    | {
        ok: true;
        claims: {
          certificateId: string;
          code: string;
          accountNo: string;
          learnerNameMasked: string | null;
          outcomes: CertificateOutcome[];
          issuedAt: Date;
        };
      }
    | { ok: false; reason: string };
}

export interface CertificateDeps {
  outcomes: OutcomeStore;
  projections: ProjectionStore;
  certificates: CertificateStore;
  signer: CertificateSigning;
  issuerName: (province: string) => string;
}

const MAX_OUTCOMES = 200;

/** Who may issue or revoke a learner's certificates: the learner, or an operator or centre admin of their province. */
function mayActFor(caller: Caller, accountNo: string): boolean {
  if (!isValidAccountNo(accountNo) || !canReadLearner(caller, accountNo) || caller.kind !== 'user') return false;
  return ['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN'].includes(caller.role);
}

const certOutcome = (o: LearningOutcome): CertificateOutcome => ({
  id: o.id,
  title: o.title,
  type: o.type,
  catalogItemCode: o.catalogItemCode,
  catalogItemVersion: o.recognition?.catalogItemVersion ?? o.catalogItemVersion,
  institutionCode: o.institutionCode,
  achievedAt: o.achievedAt,
  recognizedCredits: o.recognition?.credits ?? null,
});

/** Issue a verifiable certificate listing chosen (or all) recognised outcomes of a learner. */
export async function issueCertificate(
  deps: CertificateDeps,
  ctx: CommandContext,
  accountNo: string,
  outcomeIds: readonly string[] | null | undefined,
): Promise<Certificate> {
  if (!mayActFor(ctx.caller, accountNo)) throw new NotFoundError('Learner');
  let outcomes: LearningOutcome[];
  const access = { kind: 'learner' as const, accountNo };
  if (outcomeIds && outcomeIds.length) {
    if (outcomeIds.length > MAX_OUTCOMES) throw new BadInputError(`At most ${MAX_OUTCOMES} outcomes per certificate`, 'outcomeIds');
    const unique = [...new Set(outcomeIds)];
    outcomes = await deps.outcomes.findByIds(
      access,
      unique.filter((id) => /^oc-[0-9a-f-]{36}$/.test(id)),
    );
    const found = new Set(outcomes.map((o) => o.id));
    const missing = unique.findIndex((id) => !found.has(id));
    if (missing >= 0) throw new BadInputError('Not an outcome of this learner', `outcomeIds.${outcomeIds.indexOf(unique[missing]!)}`);
    const notRecognised = outcomes.find((o) => o.status !== 'RECOGNIZED');
    if (notRecognised)
      throw new BadInputError(
        `Only recognised outcomes can be certified (one is ${notRecognised.status})`,
        `outcomeIds.${outcomeIds.indexOf(notRecognised.id)}`,
      );
  } else {
    outcomes = (await deps.outcomes.ofLearner(accountNo)).filter((o) => o.status === 'RECOGNIZED').slice(0, MAX_OUTCOMES);
    if (outcomes.length === 0) throw new BadInputError('The learner has no recognised outcomes to certify', 'accountNo');
  }
  const link = await deps.projections.linkByAccountNo(accountNo);
  const province = provinceOfAccountNo(accountNo);
  const id = randomUUID();
  const code = makeVerificationCode(randomBytes(8));
  const listed = outcomes.sort((a, b) => a.achievedAt.localeCompare(b.achievedAt)).map(certOutcome);
  const learnerNameMasked = link?.nameMasked ?? outcomes.find((o) => o.learnerNameMasked)?.learnerNameMasked ?? null;
  const token = deps.signer.sign({
    certificateId: id,
    code,
    accountNo,
    learnerNameMasked,
    outcomes: listed,
    issuedAt: ctx.now,
    issuerName: deps.issuerName(province),
  });
  const cert: Certificate = {
    id,
    code,
    accountNo,
    province,
    learnerNameMasked,
    outcomes: listed,
    token,
    issuedAt: ctx.now,
    issuedBy: ctx.caller.kind === 'user' ? ctx.caller.sub : 'anonymous',
    revoked: null,
  };
  await deps.certificates.insert(cert, [
    createEvent(
      CertificateIssued,
      {
        certificateId: id,
        accountNo,
        province,
        outcomeIds: listed.map((o) => o.id),
        issuedBy: cert.issuedBy,
        issuedAt: ctx.now.toISOString(),
      },
      metaFrom(ctx, province, SOURCE),
    ),
  ]);
  return cert;
}

export async function revokeCertificate(deps: CertificateDeps, ctx: CommandContext, id: string, reasonRaw: string): Promise<Certificate> {
  const cert = /^[0-9a-f-]{36}$/.test(id) ? await deps.certificates.findById(id) : null;
  if (!cert || !mayActFor(ctx.caller, cert.accountNo)) throw new NotFoundError('Certificate');
  const reason = freeText(reasonRaw, 'reason', { max: 500, required: true });
  if (cert.revoked) throw new BadInputError('The certificate is already revoked', 'id');
  const by = ctx.caller.kind === 'user' ? ctx.caller.sub : 'anonymous';
  const updated = await deps.certificates.revoke(id, { at: ctx.now, by, reason }, [
    createEvent(
      CertificateRevoked,
      { certificateId: id, accountNo: cert.accountNo, province: cert.province, reason, revokedBy: by, revokedAt: ctx.now.toISOString() },
      metaFrom(ctx, cert.province, SOURCE),
    ),
  ]);
  if (!updated) throw new NotFoundError('Certificate');
  return updated;
}

export async function learnerCertificates(
  deps: { certificates: CertificateStore },
  caller: Caller,
  accountNo: string,
): Promise<Certificate[]> {
  if (!isValidAccountNo(accountNo) || !canReadLearner(caller, accountNo)) return [];
  if (caller.kind !== 'user' || caller.role === 'ANALYST') return [];
  return deps.certificates.ofLearner(accountNo);
}

export interface Verification {
  status: VerificationStatus;
  code: string | null;
  issuedAt: Date | null;
  learnerNameMasked: string | null;
  outcomes: Array<CertificateOutcome & { revoked: boolean }>;
  revokedReason: string | null;
}

const UNKNOWN: Verification = { status: 'UNKNOWN', code: null, issuedAt: null, learnerNameMasked: null, outcomes: [], revokedReason: null };

/**
 * Public verification (学习成果证明核验) by the printed code or by the signed token itself: VALID,
 * REVOKED (the certificate, or an outcome on it), TAMPERED (the signature does not hold, e.g. a changed
 * byte or another key), or UNKNOWN. The token can also be checked offline with the published keys.
 */
export async function verifyCertificate(
  deps: CertificateDeps,
  code: string | null | undefined,
  token: string | null | undefined,
): Promise<Verification> {
  if (!code && !token) throw new BadInputError('Give a verification code or a certificate token', 'code');
  if (token && token.length > 20_000) throw new BadInputError('token is too long', 'token');
  let cert: Certificate | null = null;
  if (token) {
    const checked = deps.signer.verify(token.trim());
    if (!checked.ok) return { ...UNKNOWN, status: checked.reason === 'malformed' ? 'UNKNOWN' : 'TAMPERED' };
    cert = await deps.certificates.findById(checked.claims.certificateId);
    if (!cert) return { ...UNKNOWN, status: 'UNKNOWN' };
    if (cert.token !== token.trim()) return { ...UNKNOWN, status: 'TAMPERED' };
  } else {
    const normalised = normaliseVerificationCode(code!);
    if (!normalised) return UNKNOWN;
    cert = await deps.certificates.findByCode(normalised);
    if (!cert) return UNKNOWN;
    if (!deps.signer.verify(cert.token).ok) return { ...UNKNOWN, status: 'TAMPERED' };
  }
  const current = new Map(
    (
      await deps.outcomes.findByIds(
        { kind: 'all' },
        cert.outcomes.map((o) => o.id),
      )
    ).map((o) => [o.id, o]),
  );
  const outcomes = cert.outcomes.map((o) => ({ ...o, revoked: current.get(o.id)?.status === 'REVOKED' }));
  const revoked = !!cert.revoked || outcomes.some((o) => o.revoked);
  return {
    status: revoked ? 'REVOKED' : 'VALID',
    code: cert.code,
    issuedAt: cert.issuedAt,
    learnerNameMasked: cert.learnerNameMasked,
    outcomes,
    revokedReason: cert.revoked?.reason ?? (outcomes.some((o) => o.revoked) ? 'An outcome on the certificate was revoked' : null),
  };
}
