import type { Resolvers } from '@creditbank/server';
import type { StaffUser } from '../domain/staff-user';
import { createStaffUser, type CreateStaffUserInput } from '../use-cases/create-staff-user.use-case';
import { login } from '../use-cases/login.use-case';
import type { AccountContext } from './context';

export const staffResolvers: Resolvers<AccountContext> = {
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
        staffUser: c.role === 'LEARNER' ? null : ctx.loaders.staff.load(c.sub),
        nodeId: c.node ?? null,
        institutionCode: c.inst ?? null,
        institution: c.inst ? ctx.loaders.institution.load(c.inst) : null,
      };
    },
  },
  Mutation: {
    login: async (_: unknown, args: { username: string; password: string }, ctx: AccountContext) => {
      const result = await login(ctx.deps, args.username, args.password, new Date());
      return { ...result, expiresAt: result.expiresAt.toISOString() };
    },
    createStaffUser: (_: unknown, args: { input: CreateStaffUserInput }, ctx: AccountContext) =>
      createStaffUser(ctx.deps, ctx.command(), args.input),
  },
  StaffUser: {
    nodeId: (u: StaffUser) => u.requestedNodeId,
    createdAt: (u: StaffUser) => u.createdAt.toISOString(),
  },
};
