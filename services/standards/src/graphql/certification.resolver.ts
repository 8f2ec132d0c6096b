import type { Resolvers } from '@creditbank/server';
import { certificationView } from '../domain/access';
import {
  approvalsOf,
  averageScore,
  type CertificationStep,
  type CourseCertification,
  type CourseCertificationInput,
  type ExpertReview,
  type ReviewDecision,
} from '../domain/course-certification';
import {
  listCertifications,
  reviewCourseCertification,
  submitCourseCertification,
  type CertificationFilterInput,
} from '../use-cases/course-certification.use-case';
import { catalogItemOf } from './catalog.resolver';
import type { StandardsContext } from './context';

type Page = { first?: number | null; after?: string | null };

/** Institutions see decisions, scores and comments, but not which expert made them (blind review). */
const showsReviewers = (ctx: StandardsContext) => certificationView(ctx.caller)?.reviewerIds ?? false;

export const certificationResolvers: Resolvers<StandardsContext> = {
  Query: {
    courseCertification: (_: unknown, args: { id: string }, ctx: StandardsContext) => ctx.loaders.certification.load(args.id),
    courseCertifications: (_: unknown, args: Page & { filter?: CertificationFilterInput | null }, ctx: StandardsContext) =>
      listCertifications(ctx.deps.certifications, ctx.caller, args.filter, args.first, args.after),
  },
  Mutation: {
    submitCourseCertification: (_: unknown, args: { input: CourseCertificationInput }, ctx: StandardsContext) =>
      submitCourseCertification(ctx.deps, ctx.command(), args.input),
    reviewCourseCertification: (
      _: unknown,
      args: { id: string; decision: ReviewDecision; score?: number | null; comment?: string | null },
      ctx: StandardsContext,
    ) => reviewCourseCertification(ctx.deps.certifications, ctx.command(), args.id, args),
  },
  CourseCertification: {
    institution: (c: CourseCertification) => ({ code: c.institutionCode }),
    catalogItem: (c: CourseCertification, _: unknown, ctx: StandardsContext) => catalogItemOf(ctx, c.catalogItemCode, c.catalogItemVersion),
    approvals: (c: CourseCertification) => approvalsOf(c),
    averageScore: (c: CourseCertification) => averageScore(c),
    reviews: (c: CourseCertification, _: unknown, ctx: StandardsContext) => {
      const reviewers = showsReviewers(ctx);
      return c.reviews.map((r: ExpertReview) => ({ ...r, expertId: reviewers ? r.expertId : null, reviewedAt: r.at.toISOString() }));
    },
    history: (c: CourseCertification, _: unknown, ctx: StandardsContext) => {
      const reviewers = showsReviewers(ctx);
      return c.history.map((h: CertificationStep) => ({
        ...h,
        at: h.at.toISOString(),
        by: reviewers || h.action === 'SUBMITTED' ? h.by : null,
      }));
    },
    submittedAt: (c: CourseCertification) => c.submittedAt.toISOString(),
    decidedAt: (c: CourseCertification) => c.decidedAt?.toISOString() ?? null,
  },
};
