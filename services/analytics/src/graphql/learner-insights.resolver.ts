import type { Resolvers } from '@creditbank/server';
import type { LearnerProfile, TrackLevel } from '../domain/profile';
import type { Recommendation } from '../domain/recommendations';
import { getRecommendations } from '../use-cases/learner-insights.use-case';
import type { AnalyticsContext } from './context';

/** Learner.profile (batched through a DataLoader) and Learner.recommendations. */
export const learnerInsightsResolvers: Resolvers<AnalyticsContext> = {
  Learner: {
    __resolveReference: (ref: { accountNo: string }) => ({ accountNo: ref.accountNo }),
    profile: (learner: { accountNo: string }, _: unknown, ctx: AnalyticsContext) => ctx.profiles.load(learner.accountNo),
    recommendations: (learner: { accountNo: string }, args: { limit?: number | null }, ctx: AnalyticsContext) =>
      getRecommendations(ctx.deps.reader, ctx.caller, learner.accountNo, args.limit, ctx.deps.now()),
  },
  LearnerProfile: {
    highestLevels: (p: LearnerProfile) => p.highestLevels.map((t: TrackLevel) => ({ ...t, catalogItem: { code: t.catalogItemCode } })),
  },
  Recommendation: {
    catalogItem: (r: Recommendation) => (r.catalogItemCode ? { code: r.catalogItemCode } : null),
    learningProject: (r: Recommendation) => (r.learningProjectId ? { id: r.learningProjectId } : null),
  },
};
