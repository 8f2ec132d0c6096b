import type { Resolvers } from '@creditbank/server';
import type { NetworkContext } from './context';

export const learnerResolvers: Resolvers<NetworkContext> = {
  Learner: {
    openedAtNode: async (learner: { accountNo: string }, _: unknown, ctx: NetworkContext) => {
      const origin = await ctx.loaders.origin.load(learner.accountNo);
      return origin?.nodeId ? ctx.loaders.node.load(origin.nodeId) : null;
    },
  },
};
