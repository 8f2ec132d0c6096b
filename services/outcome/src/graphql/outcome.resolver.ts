import type { Resolvers } from '@creditbank/server';
import type { LearningOutcome } from '../domain/outcome';
import { importOutcomes } from '../use-cases/import-outcomes.use-case';
import { depositOutcome, type DepositOutcomeInput } from '../use-cases/deposit-outcome.use-case';
import { reviewOutcome, revokeOutcome } from '../use-cases/review-outcome.use-case';
import {
  getImportBatch,
  institutionOutcomes,
  learnerArchive,
  learnerOutcomes,
  outcomesForReview,
  type OutcomeFilterInput,
} from '../use-cases/queries.use-case';
import type { ImportBatch } from '../use-cases/ports';
import type { OutcomeContext } from './context';

type Page = { filter?: OutcomeFilterInput | null; first?: number | null; after?: string | null };

export const outcomeResolvers: Resolvers<OutcomeContext> = {
  Query: {
    outcome: (_: unknown, args: { id: string }, ctx: OutcomeContext) => ctx.loaders.outcome.load(args.id),
    outcomesForReview: (_: unknown, args: Page, ctx: OutcomeContext) =>
      outcomesForReview(ctx.deps.outcomes, ctx.caller, args.filter, args.first, args.after),
    importBatch: (_: unknown, args: { id: string }, ctx: OutcomeContext) => getImportBatch(ctx.deps.batches, ctx.caller, args.id),
  },
  Mutation: {
    importOutcomes: (_: unknown, args: { batchRef: string; rows: unknown[] }, ctx: OutcomeContext) =>
      importOutcomes(ctx.deps, ctx.command(), args.batchRef, args.rows),
    depositOutcome: (_: unknown, args: { input: DepositOutcomeInput }, ctx: OutcomeContext) =>
      depositOutcome(ctx.deps, ctx.command(), args.input),
    reviewOutcome: (_: unknown, args: { id: string; decision: 'APPROVE' | 'REJECT'; note?: string | null }, ctx: OutcomeContext) =>
      reviewOutcome(ctx.deps, ctx.command(), args.id, args.decision, args.note),
    revokeOutcome: (_: unknown, args: { id: string; reason: string }, ctx: OutcomeContext) =>
      revokeOutcome(ctx.deps, ctx.command(), args.id, args.reason),
  },
  LearningOutcome: {
    __resolveReference: (ref: { id: string }, ctx: OutcomeContext) => ctx.loaders.outcome.load(ref.id),
    learner: (o: LearningOutcome) => (o.accountNo ? { __typename: 'Learner', accountNo: o.accountNo } : null),
    catalogItem: (o: LearningOutcome) => ({ __typename: 'CatalogItem', code: o.catalogItemCode }),
    institution: (o: LearningOutcome) => (o.institutionCode ? { __typename: 'Institution', code: o.institutionCode } : null),
    recognizedCredits: (o: LearningOutcome) => (o.status === 'RECOGNIZED' ? (o.recognition?.credits ?? null) : null),
    points: (o: LearningOutcome) => (o.status === 'RECOGNIZED' ? (o.recognition?.points ?? null) : null),
    catalogItemVersion: (o: LearningOutcome) => o.recognition?.catalogItemVersion ?? o.catalogItemVersion,
    creditStandardVersion: (o: LearningOutcome) => o.recognition?.creditStandardVersion ?? null,
    creditExplanation: (o: LearningOutcome) => o.recognition?.explanation ?? null,
    depositedAt: (o: LearningOutcome) => o.depositedAt.toISOString(),
  },
  Learner: {
    outcomes: (l: { accountNo: string }, args: Page, ctx: OutcomeContext) =>
      learnerOutcomes(ctx.deps.outcomes, ctx.caller, l.accountNo, args.filter, args.first, args.after),
    archive: (l: { accountNo: string }, _: unknown, ctx: OutcomeContext) => learnerArchive(ctx.deps.outcomes, ctx.caller, l.accountNo),
  },
  Institution: {
    __resolveReference: (ref: { code: string }) => ref,
    depositedOutcomes: (i: { code: string }, args: Page, ctx: OutcomeContext) =>
      institutionOutcomes(ctx.deps.outcomes, ctx.caller, i.code, args.filter, args.first, args.after),
  },
  ImportBatch: {
    institutionCode: (b: ImportBatch) => b.institutionCode,
    createdAt: (b: ImportBatch) => b.createdAt.toISOString(),
    completedAt: (b: ImportBatch) => b.completedAt.toISOString(),
  },
};
