import type { Resolvers } from '@creditbank/server';
import type { Learner } from '../domain/learner';
import { openLearnerAccount, type OpenLearnerAccountInput } from '../use-cases/open-learner-account.use-case';
import type { AccountContext } from './context';

export const learnerResolvers: Resolvers<AccountContext> = {
  Query: {
    learner: (_: unknown, args: { accountNo: string }, ctx: AccountContext) => ctx.loaders.learner.load(args.accountNo),
  },
  Mutation: {
    openLearnerAccount: (_: unknown, args: { input: OpenLearnerAccountInput }, ctx: AccountContext) =>
      openLearnerAccount(ctx.deps, ctx.command(), args.input),
  },
  Learner: {
    __resolveReference: (ref: { accountNo: string }, ctx: AccountContext) => ctx.loaders.learner.load(ref.accountNo),
    openedAt: (l: Learner) => l.openedAt.toISOString(),
  },
};
