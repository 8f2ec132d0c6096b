import type { Resolvers } from '@creditbank/server';
import type { CreditComputation, ItemCreditRule } from '@creditbank/credit-rules';
import { standardStatus, type CreditStandard, type CreditStandardInput } from '../domain/credit-standard';
import {
  getCreditStandard,
  listCreditStandardVersions,
  previewCredits,
  type CreditPreviewInput,
} from '../use-cases/get-credit-standards.use-case';
import { publishCreditStandard } from '../use-cases/publish-credit-standard.use-case';
import { catalogItemOf } from './catalog.resolver';
import type { StandardsContext } from './context';

type Page = { first?: number | null; after?: string | null };

export const standardResolvers: Resolvers<StandardsContext> = {
  Query: {
    creditStandard: (_: unknown, args: { province?: string | null; version?: number | null; at?: string | null }, ctx: StandardsContext) =>
      getCreditStandard(ctx.deps.standards, ctx.caller, args, ctx.now),
    creditStandardVersions: (_: unknown, args: Page & { province?: string | null }, ctx: StandardsContext) =>
      listCreditStandardVersions(ctx.deps.standards, ctx.caller, args.province, args.first, args.after),
    creditPreview: (_: unknown, args: { input: CreditPreviewInput }, ctx: StandardsContext) =>
      previewCredits(ctx.deps, ctx.caller, args.input, ctx.now),
  },
  Mutation: {
    publishCreditStandard: (_: unknown, args: { input: CreditStandardInput }, ctx: StandardsContext) =>
      publishCreditStandard(ctx.deps, ctx.command(), args.input),
  },
  CreditStandard: {
    status: async (s: CreditStandard, _: unknown, ctx: StandardsContext) =>
      standardStatus(s, (await ctx.loaders.standardInForce.load(s.province))?.version ?? null, ctx.now),
    effectiveFrom: (s: CreditStandard) => s.effectiveFrom.toISOString(),
    publishedAt: (s: CreditStandard) => s.publishedAt.toISOString(),
  },
  ItemCreditRule: {
    catalogItem: (r: ItemCreditRule, _: unknown, ctx: StandardsContext) => catalogItemOf(ctx, r.catalogItemCode),
  },
  CreditComputation: {
    standardProvince: (c: CreditComputation) => c.standard.province,
    standardVersion: (c: CreditComputation) => c.standard.version,
    catalogItemCode: (c: CreditComputation) => c.catalogItem.code,
    catalogItemVersion: (c: CreditComputation) => c.catalogItem.version,
  },
};
