import type { Resolvers } from '@creditbank/server';
import type { AuditEntry, Learner } from '../domain/learner';
import { openLearnerAccount, type OpenLearnerAccountInput } from '../use-cases/open-learner-account.use-case';
import { registerLearnerOnline, type RegisterLearnerInput } from '../use-cases/register-learner-online.use-case';
import { updateLearnerProfile, type LearnerProfileInput } from '../use-cases/update-learner-profile.use-case';
import { changeLearnerStatus } from '../use-cases/change-learner-status.use-case';
import { findLearnerByIdNumber, listLearners, type LearnerFilterInput } from '../use-cases/get-learners.use-case';
import type { AccountContext } from './context';

type Page = { first?: number | null; after?: string | null };

export const learnerResolvers: Resolvers<AccountContext> = {
  Query: {
    learner: (_: unknown, args: { accountNo: string }, ctx: AccountContext) => ctx.loaders.learner.load(args.accountNo),
    learners: (_: unknown, args: Page & { filter?: LearnerFilterInput | null }, ctx: AccountContext) =>
      listLearners(ctx.deps.learners, ctx.caller, args.filter, args.first, args.after),
    learnerByIdNumber: (_: unknown, args: { idNumber: string }, ctx: AccountContext) =>
      findLearnerByIdNumber(ctx.deps, ctx.caller, args.idNumber, new Date()),
  },
  Mutation: {
    registerLearnerOnline: (_: unknown, args: { input: RegisterLearnerInput }, ctx: AccountContext) =>
      registerLearnerOnline({ ...ctx.deps }, ctx.command(), args.input),
    openLearnerAccount: (_: unknown, args: { input: OpenLearnerAccountInput }, ctx: AccountContext) =>
      openLearnerAccount(ctx.deps, ctx.command(), args.input),
    updateLearnerProfile: (_: unknown, args: { accountNo: string; input: LearnerProfileInput }, ctx: AccountContext) =>
      updateLearnerProfile(ctx.deps, ctx.command(), args.accountNo, args.input),
    freezeLearnerAccount: (_: unknown, args: { accountNo: string; reason: string }, ctx: AccountContext) =>
      changeLearnerStatus(ctx.deps.learners, ctx.command(), 'freeze', args.accountNo, args.reason),
    unfreezeLearnerAccount: (_: unknown, args: { accountNo: string; reason: string }, ctx: AccountContext) =>
      changeLearnerStatus(ctx.deps.learners, ctx.command(), 'unfreeze', args.accountNo, args.reason),
    closeLearnerAccount: (_: unknown, args: { accountNo: string; reason: string }, ctx: AccountContext) =>
      changeLearnerStatus(ctx.deps.learners, ctx.command(), 'close', args.accountNo, args.reason),
  },
  Learner: {
    __resolveReference: (ref: { accountNo: string }, ctx: AccountContext) => ctx.loaders.learner.load(ref.accountNo),
    openedAt: (l: Learner) => l.openedAt.toISOString(),
    agreementVersion: (l: Learner) => l.agreement?.version ?? null,
    history: (l: Learner) => l.history.map((h: AuditEntry) => ({ ...h, at: h.at.toISOString() })),
  },
};
