import type { Resolvers } from '@creditbank/server';
import type { AccountContext } from './context';

export const viewerResolvers: Resolvers<AccountContext> = {
  Query: {
    me: (_: unknown, __: unknown, ctx: AccountContext) => {
      const c = ctx.caller;
      if (c.kind !== 'user') return { authenticated: false };
      return {
        authenticated: true,
        role: c.role,
        province: c.province,
        subject: c.sub,
        learner: c.acct ? ctx.loaders.learner.load(c.acct) : null,
        nodeId: c.node ?? null,
        institutionCode: c.inst ?? null,
      };
    },
  },
};
