import type { Resolvers } from '@creditbank/server';
import type { NetworkContext } from './context';

export const learnerResolvers: Resolvers<NetworkContext> = {
  Learner: {
    // Batched: the learner's origin (one loader) and then its node (another) across all learners of a response.
    openedAtNode: async (learner: { accountNo: string }, _: unknown, ctx: NetworkContext) => {
      const known = await ctx.loaders.learner.load(learner.accountNo);
      return known?.nodeId ? ctx.loaders.node.load(known.nodeId) : null;
    },
  },
};
