import type { Resolvers } from '@creditbank/server';
import type { AnalyticsFilterInput } from '../domain/analytics-filter';
import type { DistributionGroup } from '../domain/distribution';
import {
  getDemographics,
  getEconomicCorrelation,
  getHotPrograms,
  getLearningCommunities,
  getLearningFamilies,
  getLearningStars,
  getTrainingDistribution,
  upsertRegionalIndicators,
  type RegionalIndicatorInput,
} from '../use-cases/analytics-queries.use-case';
import type { AnalyticsContext } from './context';

type F = { filter?: AnalyticsFilterInput | null; limit?: number | null };

/** Thin resolvers of the analytics queries; the use-cases validate and scope. */
export const analyticsResolvers: Resolvers<AnalyticsContext> = {
  Query: {
    trainingDistribution: (_: unknown, a: F & { groupBy: DistributionGroup }, ctx: AnalyticsContext) =>
      getTrainingDistribution(ctx.deps, ctx.caller, a.filter, a.groupBy),
    demographics: (_: unknown, a: F, ctx: AnalyticsContext) => getDemographics(ctx.deps, ctx.caller, a.filter),
    economicCorrelation: async (
      _: unknown,
      a: F & { indicator: string; year: number; minPopulation?: number | null },
      ctx: AnalyticsContext,
    ) => {
      const c = await getEconomicCorrelation(ctx.deps, ctx.caller, a.indicator, a.year, a.filter, a.minPopulation);
      return { ...c, pearson: c.r };
    },
    hotPrograms: async (_: unknown, a: F, ctx: AnalyticsContext) =>
      (await getHotPrograms(ctx.deps, ctx.caller, a.filter, a.limit)).map((p) => ({ ...p, catalogItem: { code: p.catalogItemCode } })),
    learningStars: async (_: unknown, a: F, ctx: AnalyticsContext) =>
      (await getLearningStars(ctx.deps, ctx.caller, a.filter, a.limit)).map((s) => ({ ...s, learner: { accountNo: s.accountNo } })),
    learningFamilies: (_: unknown, a: F & { minMembers?: number | null }, ctx: AnalyticsContext) =>
      getLearningFamilies(ctx.deps, ctx.caller, a.filter, a.limit, a.minMembers),
    learningCommunities: (_: unknown, a: F & { minPopulation?: number | null }, ctx: AnalyticsContext) =>
      getLearningCommunities(ctx.deps, ctx.caller, a.filter, a.limit, a.minPopulation),
    analyticsFreshness: async (_: unknown, _a: unknown, ctx: AnalyticsContext) => ({
      generation: ctx.deps.generation(),
      topics: await ctx.deps.reader.freshness(),
    }),
  },
  Mutation: {
    upsertRegionalIndicators: (_: unknown, a: { input: RegionalIndicatorInput[] }, ctx: AnalyticsContext) =>
      upsertRegionalIndicators(ctx.deps.indicators, ctx.caller, a.input),
  },
};
