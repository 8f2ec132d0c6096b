import type { Resolvers } from '@creditbank/server';
import type { Application, CreditAccount, Redemption } from '../domain/credit-account';
import { availableCredits, availablePoints, fromCenti, type LedgerEntry } from '../domain/ledger';
import { canReadCreditAccount } from '../use-cases/access';
import { ledgerPage, learnerConversions, listApplications, type ApplicationFilterInput } from '../use-cases/queries.use-case';
import { cancelConversion, decideConversion, preliminaryReviewConversion } from '../use-cases/review-conversion.use-case';
import { simulateConversion, type SimulatedOutcome } from '../use-cases/simulate-conversion.use-case';
import { submitConversion, type SubmitConversionInput } from '../use-cases/submit-conversion.use-case';
import type { ConversionContext } from './context';

type Page = { first?: number | null; after?: string | null };
type Decision = { id: string; approve: boolean; note?: string | null };

export const conversionResolvers: Resolvers<ConversionContext> = {
  Query: {
    conversionApplication: (_: unknown, args: { id: string }, ctx: ConversionContext) => ctx.loaders.application.load(args.id),
    conversionApplications: (_: unknown, args: Page & { filter?: ApplicationFilterInput | null }, ctx: ConversionContext) =>
      listApplications(ctx.deps.applications, ctx.caller, args.filter, args.first, args.after),
    simulateConversion: (_: unknown, args: { accountNo: string; ruleId: string }, ctx: ConversionContext) =>
      simulateConversion(ctx.deps, ctx.command(), args.accountNo, args.ruleId),
  },
  Mutation: {
    submitConversion: (_: unknown, args: { input: SubmitConversionInput }, ctx: ConversionContext) =>
      submitConversion(ctx.deps, ctx.command(), args.input),
    preliminaryReview: (_: unknown, args: Decision, ctx: ConversionContext) =>
      preliminaryReviewConversion(ctx.deps, ctx.command(), args.id, args.approve, args.note),
    decideConversion: (_: unknown, args: Decision, ctx: ConversionContext) =>
      decideConversion(ctx.deps, ctx.command(), args.id, args.approve, args.note),
    cancelConversion: (_: unknown, args: { id: string }, ctx: ConversionContext) => cancelConversion(ctx.deps, ctx.command(), args.id),
  },
  ConversionApplication: {
    __resolveReference: (ref: { id: string }, ctx: ConversionContext) => ctx.loaders.application.load(ref.id),
    learner: (a: Application) => ({ __typename: 'Learner', accountNo: a.accountNo }),
    rule: (a: Application, _: unknown, ctx: ConversionContext) => ctx.loaders.rule.load(a.ruleId),
    outcomes: (a: Application) => a.outcomeIds.map((id) => ({ __typename: 'LearningOutcome', id })),
    credits: (a: Application) => fromCenti(a.credits),
  },
  Learner: {
    __resolveReference: (ref: { accountNo: string }) => ref,
    creditAccount: (l: { accountNo: string }, _: unknown, ctx: ConversionContext) => ctx.loaders.creditAccount.load(l.accountNo),
    conversions: async (l: { accountNo: string }, args: Page, ctx: ConversionContext) => {
      const account = await ctx.loaders.creditAccount.load(l.accountNo);
      return learnerConversions(ctx.caller, account!, args.first, args.after);
    },
  },
  CreditAccount: {
    recognized: (a: CreditAccount) => fromCenti(a.balances.recognized),
    reserved: (a: CreditAccount) => fromCenti(a.balances.reserved),
    consumed: (a: CreditAccount) => fromCenti(a.balances.consumed),
    available: (a: CreditAccount) => fromCenti(availableCredits(a.balances)),
    points: (a: CreditAccount) => ({
      earned: a.balances.pointsEarned,
      redeemed: a.balances.pointsRedeemed,
      available: availablePoints(a.balances),
    }),
    ledger: (a: CreditAccount, args: Page, ctx: ConversionContext) =>
      canReadCreditAccount(ctx.caller, a.accountNo)
        ? ledgerPage(ctx.deps, a, args.first, args.after)
        : { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 },
    redemptions: (a: CreditAccount) => Object.values(a.redemptions).sort((x, y) => y.at.localeCompare(x.at)),
  },
  LedgerEntry: {
    recognized: (e: LedgerEntry) => fromCenti(e.delta.recognized),
    reserved: (e: LedgerEntry) => fromCenti(e.delta.reserved),
    consumed: (e: LedgerEntry) => fromCenti(e.delta.consumed),
    pointsEarned: (e: LedgerEntry) => e.delta.pointsEarned,
    pointsRedeemed: (e: LedgerEntry) => e.delta.pointsRedeemed,
    outcomeIds: (e: LedgerEntry) => e.ref.outcomeIds,
    applicationId: (e: LedgerEntry) => e.ref.applicationId,
    redemptionId: (e: LedgerEntry) => e.ref.redemptionId,
  },
  SimulatedOutcome: {
    outcome: (o: SimulatedOutcome) => ({ __typename: 'LearningOutcome', id: o.outcomeId }),
  },
  Redemption: {
    pointsSpent: (r: Redemption) => r.points,
    redeemedAt: (r: Redemption) => r.at,
  },
};
