import type { Resolvers } from '@creditbank/server';
import type { AnalyticsContext } from './context';

export const nodeStatsResolvers: Resolvers<AnalyticsContext> = {
  ServiceNode: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    stats: (node: { id: string }, args: { from?: string | null; to?: string | null }, ctx: AnalyticsContext) =>
      ctx.nodeStats(args.from, args.to).load(node.id),
  },
};
