import type { Resolvers } from '@creditbank/server';
import type { Institution } from '../domain/institution';
import {
  listInstitutions,
  registerInstitution,
  updateInstitution,
  type InstitutionFilterInput,
  type RegisterInstitutionInput,
  type UpdateInstitutionInput,
} from '../use-cases/institutions.use-case';
import type { AccountContext } from './context';

export const institutionResolvers: Resolvers<AccountContext> = {
  Query: {
    institution: (_: unknown, args: { code: string }, ctx: AccountContext) => ctx.loaders.institution.load(args.code),
    institutions: (
      _: unknown,
      args: { filter?: InstitutionFilterInput | null; first?: number | null; after?: string | null },
      ctx: AccountContext,
    ) => listInstitutions(ctx.deps.institutions, ctx.caller, args.filter, args.first, args.after),
  },
  Mutation: {
    registerInstitution: (_: unknown, args: { input: RegisterInstitutionInput }, ctx: AccountContext) =>
      registerInstitution(ctx.deps.institutions, ctx.command(), args.input),
    updateInstitution: (_: unknown, args: { code: string; input: UpdateInstitutionInput }, ctx: AccountContext) =>
      updateInstitution(ctx.deps.institutions, ctx.command(), args.code, args.input),
  },
  Institution: {
    __resolveReference: (ref: { code: string }, ctx: AccountContext) => ctx.loaders.institution.load(ref.code),
    registeredAt: (i: Institution) => i.registeredAt.toISOString(),
  },
};
