import type { Resolvers } from '@creditbank/server';
import { effectiveStatus, type Accreditation, type AccreditationChange, type AccreditInput } from '../domain/accreditation';
import { normaliseInstitutionCode } from '../domain/institution';
import {
  accreditInstitution,
  listAccreditations,
  suspendAccreditation,
  type AccreditationFilterInput,
} from '../use-cases/accreditation.use-case';
import type { StandardsContext } from './context';

type Page = { first?: number | null; after?: string | null };

export const accreditationResolvers: Resolvers<StandardsContext> = {
  Query: {
    accreditations: (_: unknown, args: Page & { filter?: AccreditationFilterInput | null }, ctx: StandardsContext) =>
      listAccreditations(ctx.deps.accreditations, ctx.caller, args.filter, args.first, args.after, ctx.now),
  },
  Mutation: {
    accreditInstitution: (_: unknown, args: { input: AccreditInput }, ctx: StandardsContext) =>
      accreditInstitution(ctx.deps, ctx.command(), args.input),
    suspendAccreditation: (_: unknown, args: { institutionCode: string; reason: string }, ctx: StandardsContext) =>
      suspendAccreditation(ctx.deps, ctx.command(), args.institutionCode, args.reason),
  },
  Institution: {
    // The account subgraph owns Institution; this subgraph adds its accreditation, tenant-scoped.
    __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
    accreditation: (i: { code: string }, _: unknown, ctx: StandardsContext) => {
      const code = normaliseInstitutionCode(i.code);
      return code ? ctx.loaders.accreditation.load(code) : null;
    },
  },
  Accreditation: {
    institution: (a: Accreditation) => ({ code: a.institutionCode }),
    status: (a: Accreditation, _: unknown, ctx: StandardsContext) => effectiveStatus(a, ctx.now),
    validUntil: (a: Accreditation) => a.validUntil.toISOString(),
    accreditedAt: (a: Accreditation) => a.accreditedAt.toISOString(),
    suspendedAt: (a: Accreditation) => a.suspendedAt?.toISOString() ?? null,
    history: (a: Accreditation) => [...a.history].reverse(),
  },
  AccreditationChange: {
    at: (c: AccreditationChange) => c.at.toISOString(),
    validUntil: (c: AccreditationChange) => c.validUntil.toISOString(),
  },
};
