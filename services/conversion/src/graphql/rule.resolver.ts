import type { Resolvers } from '@creditbank/server';
import type { ConversionRule, RuleTarget } from '../domain/rule';
import {
  draftConversionRule,
  listRules,
  publishConversionRule,
  retireConversionRule,
  type ConversionRuleInput,
  type RuleFilterInput,
} from '../use-cases/rules.use-case';
import type { ConversionContext } from './context';

type Page = { first?: number | null; after?: string | null };
const iso = (d: Date | null) => d?.toISOString() ?? null;

export const ruleResolvers: Resolvers<ConversionContext> = {
  Query: {
    conversionRule: (_: unknown, args: { id: string }, ctx: ConversionContext) => ctx.loaders.rule.load(args.id),
    conversionRules: (_: unknown, args: Page & { filter?: RuleFilterInput | null }, ctx: ConversionContext) =>
      listRules(ctx.deps.rules, ctx.caller, args.filter, args.first, args.after),
  },
  Mutation: {
    draftConversionRule: (_: unknown, args: { input: ConversionRuleInput }, ctx: ConversionContext) =>
      draftConversionRule(ctx.deps.rules, ctx.command(), args.input),
    publishConversionRule: (_: unknown, args: { id: string }, ctx: ConversionContext) =>
      publishConversionRule(ctx.deps.rules, ctx.command(), args.id),
    retireConversionRule: (_: unknown, args: { id: string }, ctx: ConversionContext) =>
      retireConversionRule(ctx.deps.rules, ctx.command(), args.id),
  },
  ConversionRule: {
    __resolveReference: (ref: { id: string }, ctx: ConversionContext) => ctx.loaders.rule.load(ref.id),
    effectiveFrom: (r: ConversionRule) => iso(r.effectiveFrom),
    effectiveTo: (r: ConversionRule) => iso(r.effectiveTo),
    createdAt: (r: ConversionRule) => r.createdAt.toISOString(),
    publishedAt: (r: ConversionRule) => iso(r.publishedAt),
    retiredAt: (r: ConversionRule) => iso(r.retiredAt),
  },
  RuleTarget: {
    institution: (t: RuleTarget) => (t.institutionCode ? { __typename: 'Institution', code: t.institutionCode } : null),
  },
};
