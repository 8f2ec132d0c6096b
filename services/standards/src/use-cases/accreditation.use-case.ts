import { InstitutionAccredited, InstitutionAccreditationSuspended, createEvent } from '@creditbank/contracts';
import {
  BadInputError,
  ConflictError,
  NotFoundError,
  decodeCursor,
  encodeCursor,
  narrowScope,
  pageSize,
  scopeOf,
  toConnection,
  type Caller,
  type CommandContext,
  type Connection,
} from '@creditbank/kernel';
import { OUTCOME_TYPES, type OutcomeType } from '@creditbank/credit-rules';
import {
  accredit,
  effectiveStatus,
  parseAccreditTerms,
  suspend,
  type Accreditation,
  type AccreditationStatus,
  type AccreditInput,
} from '../domain/accreditation';
import { actorOf, institutionScope } from '../domain/access';
import { normaliseInstitutionCode } from '../domain/institution';
import { parseInstant } from '../domain/input';
import { metaOf, withRetry } from './event-meta';
import type { AccreditationFilter, AccreditationStore, InstitutionStore } from './ports';

export interface AccreditationDeps {
  accreditations: AccreditationStore;
  institutions: InstitutionStore;
}

const terms = (a: Accreditation) => ({
  institutionCode: a.institutionCode,
  province: a.province,
  outcomeTypes: [...a.outcomeTypes],
  bulkDeposit: a.bulkDeposit,
  validUntil: a.validUntil.toISOString(),
});

/**
 * Accredit an institution of the caller's province (CENTER_ADMIN), or renew / change / restore its
 * accreditation: the new terms replace the old. Another province's institution looks missing.
 */
export async function accreditInstitution(deps: AccreditationDeps, ctx: CommandContext, input: AccreditInput): Promise<Accreditation> {
  const parsed = parseAccreditTerms(input, ctx.now);
  const code = normaliseInstitutionCode(input.institutionCode);
  if (!code) throw new NotFoundError('Institution');
  const scope = scopeOf(ctx.caller);
  const [institution] = await deps.institutions.findByCodes(scope, [code]);
  if (!institution) throw new NotFoundError('Institution');
  if (institution.status !== 'ACTIVE') throw new ConflictError(`The institution is ${institution.status.toLowerCase()}`);
  const by = actorOf(ctx.caller);
  const saved = await withRetry(async () => {
    const [previous] = await deps.accreditations.findByCodes(scope, [code]);
    const next = accredit(previous ?? null, institution, parsed, ctx.now, by);
    const event = createEvent(
      InstitutionAccredited,
      {
        ...terms(next),
        status: 'ACTIVE',
        previousStatus: previous ? effectiveStatus(previous, ctx.now) : null,
        accreditedAt: ctx.now.toISOString(),
        accreditedBy: by,
      },
      metaOf(ctx, next.province),
    );
    return deps.accreditations.save(next, [event]);
  });
  if (!saved) throw new ConflictError('The accreditation changed at the same time; please try again');
  return saved;
}

/** Suspend an active accreditation with a reason (CENTER_ADMIN of the province). */
export async function suspendAccreditation(
  deps: AccreditationDeps,
  ctx: CommandContext,
  institutionCode: string,
  reason: string,
): Promise<Accreditation> {
  const code = normaliseInstitutionCode(institutionCode);
  if (!code) throw new NotFoundError('Accreditation');
  const scope = scopeOf(ctx.caller);
  const by = actorOf(ctx.caller);
  const saved = await withRetry(async () => {
    const [current] = await deps.accreditations.findByCodes(scope, [code]);
    if (!current) throw new NotFoundError('Accreditation');
    const next = suspend(current, reason, ctx.now, by);
    const event = createEvent(
      InstitutionAccreditationSuspended,
      { ...terms(next), status: 'SUSPENDED', reason: next.suspendReason!, suspendedAt: ctx.now.toISOString(), suspendedBy: by },
      metaOf(ctx, next.province),
    );
    return deps.accreditations.save(next, [event]);
  });
  if (!saved) throw new ConflictError('The accreditation changed at the same time; please try again');
  return saved;
}

/** Accreditations by institution code, as the caller may see them (for `Institution.accreditation`). */
export async function getAccreditations(
  store: AccreditationStore,
  caller: Caller,
  codes: readonly string[],
): Promise<Array<Accreditation | null>> {
  const scope = institutionScope(caller);
  if (!scope) return codes.map(() => null);
  const wanted = [...new Set(codes.map(normaliseInstitutionCode).filter((c): c is string => c !== null))];
  const rows = wanted.length ? await store.findByCodes(scope, wanted) : [];
  const byCode = new Map(rows.map((a) => [a.institutionCode, a]));
  return codes.map((c) => byCode.get(normaliseInstitutionCode(c) ?? '') ?? null);
}

export interface AccreditationFilterInput {
  province?: string | null;
  status?: AccreditationStatus | null;
  outcomeType?: OutcomeType | null;
  expiringBefore?: string | null;
}

/** The province's accreditations (centre admins and analysts; PLATFORM_ADMIN any province). */
export async function listAccreditations(
  store: AccreditationStore,
  caller: Caller,
  filter: AccreditationFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
  now: Date,
): Promise<Connection<Accreditation>> {
  const scope = narrowScope(scopeOf(caller), filter?.province);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const f: AccreditationFilter = { now };
  if (filter?.status) {
    if (!['ACTIVE', 'SUSPENDED', 'EXPIRED'].includes(filter.status)) throw new BadInputError('Unknown status', 'filter.status');
    f.status = filter.status;
  }
  if (filter?.outcomeType) {
    if (!OUTCOME_TYPES.includes(filter.outcomeType)) throw new BadInputError('Unknown outcome type', 'filter.outcomeType');
    f.outcomeType = filter.outcomeType;
  }
  if (filter?.expiringBefore) f.expiringBefore = parseInstant(filter.expiringBefore, 'filter.expiringBefore', true);
  const { rows, total } = await store.list(scope, f, { after: cursor ? String(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (a) => encodeCursor([a.institutionCode]));
}
