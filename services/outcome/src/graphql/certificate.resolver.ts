import type { Resolvers } from '@creditbank/server';
import type { Certificate } from '../domain/certificate';
import {
  issueCertificate,
  learnerCertificates,
  revokeCertificate,
  verifyCertificate,
  type Verification,
} from '../use-cases/certificates.use-case';
import type { OutcomeContext } from './context';

export const certificateResolvers: Resolvers<OutcomeContext> = {
  Query: {
    verifyCertificate: (_: unknown, args: { code?: string | null; token?: string | null }, ctx: OutcomeContext) =>
      verifyCertificate(ctx.deps, args.code, args.token),
  },
  Mutation: {
    issueCertificate: (_: unknown, args: { accountNo: string; outcomeIds?: string[] | null }, ctx: OutcomeContext) =>
      issueCertificate(ctx.deps, ctx.command(), args.accountNo, args.outcomeIds),
    revokeCertificate: (_: unknown, args: { id: string; reason: string }, ctx: OutcomeContext) =>
      revokeCertificate(ctx.deps, ctx.command(), args.id, args.reason),
  },
  Learner: {
    certificates: (l: { accountNo: string }, _: unknown, ctx: OutcomeContext) => learnerCertificates(ctx.deps, ctx.caller, l.accountNo),
  },
  Certificate: {
    issuedAt: (c: Certificate) => c.issuedAt.toISOString(),
    revoked: (c: Certificate) => c.revoked !== null,
    revokedReason: (c: Certificate) => c.revoked?.reason ?? null,
    outcomeIds: (c: Certificate) => c.outcomes.map((o) => o.id),
    pdfUrl: (c: Certificate, _: unknown, ctx: OutcomeContext) => `${ctx.deps.publicUrl}/certificates/${encodeURIComponent(c.code)}.pdf`,
  },
  CertificateVerification: {
    valid: (v: Verification) => v.status === 'VALID',
    revoked: (v: Verification) => v.status === 'REVOKED',
    issuedAt: (v: Verification) => v.issuedAt?.toISOString() ?? null,
  },
};
