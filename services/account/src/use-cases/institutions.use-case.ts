import { InstitutionRegistered, InstitutionUpdated, createEvent } from '@creditbank/contracts';
import {
  BadInputError,
  ConflictError,
  NotFoundError,
  decodeCursor,
  encodeCursor,
  freeText,
  narrowScope,
  pageSize,
  scopeOf,
  toConnection,
  type Caller,
  type CommandContext,
  type Connection,
  type TenantScope,
} from '@creditbank/kernel';
import { parseUscc } from '@creditbank/identity';
import {
  INSTITUTION_CATEGORIES,
  INSTITUTION_STATUSES,
  type Institution,
  type InstitutionCategory,
  type InstitutionStatus,
} from '../domain/institution';
import { requireDivision } from '../domain/learner-input';
import { metaOf } from './event-meta';
import type { InstitutionFilter, InstitutionStore } from './ports';

export interface RegisterInstitutionInput {
  code: string;
  name: string;
  category: InstitutionCategory;
  province: string;
  adminDivision: string;
}

const facts = (i: Institution) => ({
  code: i.code,
  name: i.name,
  category: i.category,
  province: i.province,
  adminDivision: i.adminDivision,
  status: i.status,
});

/** Register an institution of the caller's province (CENTER_ADMIN; PLATFORM_ADMIN anywhere). */
export async function registerInstitution(
  store: InstitutionStore,
  ctx: CommandContext,
  input: RegisterInstitutionInput,
): Promise<Institution> {
  const code = parseUscc(input.code, 'input.code');
  const name = freeText(input.name, 'input.name', { max: 100, required: true });
  if (name.length < 2) throw new BadInputError('Name must be at least 2 characters', 'input.name');
  if (!INSTITUTION_CATEGORIES.includes(input.category)) throw new BadInputError('Unknown institution category', 'input.category');
  if (!/^[1-9][0-9]$/.test(input.province)) throw new BadInputError('Province must be a two-digit code', 'input.province');
  const adminDivision = requireDivision(input.adminDivision, 'input.adminDivision', input.province);
  const institution: Institution = {
    code,
    name,
    category: input.category,
    province: input.province,
    adminDivision,
    status: 'ACTIVE',
    registeredAt: ctx.now,
    updatedAt: ctx.now,
  };
  const event = createEvent(
    InstitutionRegistered,
    { ...facts(institution), registeredAt: ctx.now.toISOString() },
    metaOf(ctx, institution.province),
  );
  if (!(await store.insert(institution, [event]))) throw new ConflictError('An institution with this code is already registered');
  return institution;
}

export interface UpdateInstitutionInput {
  name?: string | null;
  adminDivision?: string | null;
  status?: InstitutionStatus | null;
}

export async function updateInstitution(
  store: InstitutionStore,
  ctx: CommandContext,
  codeRaw: string,
  input: UpdateInstitutionInput,
): Promise<Institution> {
  const code = parseUscc(codeRaw, 'code');
  const [current] = await store.findByCodes(scopeOf(ctx.caller), [code]);
  if (!current) throw new NotFoundError('Institution');
  const set: Partial<Pick<Institution, 'name' | 'adminDivision' | 'status'>> = {};
  if (input.name !== undefined && input.name !== null) set.name = freeText(input.name, 'input.name', { max: 100, required: true });
  if (input.adminDivision !== undefined && input.adminDivision !== null)
    set.adminDivision = requireDivision(input.adminDivision, 'input.adminDivision', current.province);
  if (input.status !== undefined && input.status !== null) {
    if (!INSTITUTION_STATUSES.includes(input.status)) throw new BadInputError('Unknown status', 'input.status');
    set.status = input.status;
  }
  if (Object.keys(set).length === 0) return current;
  const updated = await store.update(code, ctx.now, set, (after) => [
    createEvent(InstitutionUpdated, { ...facts(after), updatedAt: ctx.now.toISOString() }, metaOf(ctx, after.province)),
  ]);
  if (!updated) throw new NotFoundError('Institution');
  return updated;
}

/**
 * Who sees an institution: staff of its province, PLATFORM_ADMIN, its own admins and partners, and
 * learners (whose archives name the institutions that deposited their outcomes). Staff of another
 * province see nothing.
 */
export function institutionScope(caller: Caller): TenantScope | null {
  if (caller.kind !== 'user') return null;
  if (caller.role === 'LEARNER' || caller.role === 'PLATFORM_ADMIN') return { all: true };
  return { province: caller.province };
}

export async function getInstitutions(
  store: InstitutionStore,
  caller: Caller,
  codes: readonly string[],
): Promise<Array<Institution | null>> {
  const scope = institutionScope(caller);
  if (!scope) return codes.map(() => null);
  const wanted = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter((c) => /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(c)))];
  const rows = wanted.length ? await store.findByCodes(scope, wanted) : [];
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return codes.map((c) => byCode.get(c.trim().toUpperCase()) ?? null);
}

export interface InstitutionFilterInput {
  province?: string | null;
  category?: InstitutionCategory | null;
  divisionPrefix?: string | null;
  search?: string | null;
}

export async function listInstitutions(
  store: InstitutionStore,
  caller: Caller,
  filter: InstitutionFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Institution>> {
  const scope = narrowScope(scopeOf(caller), filter?.province);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const f: InstitutionFilter = {};
  if (filter?.category) f.category = filter.category;
  if (filter?.divisionPrefix) {
    if (!/^[0-9]{2,9}$/.test(filter.divisionPrefix))
      throw new BadInputError('Division prefix must be 2 to 9 digits', 'filter.divisionPrefix');
    f.divisionPrefix = filter.divisionPrefix;
  }
  if (filter?.search) {
    const search = filter.search.trim();
    if (search.length > 50) throw new BadInputError('Search text must be at most 50 characters', 'filter.search');
    if (search) f.search = search;
  }
  const { rows, total } = await store.list(scope, f, { after: cursor ? String(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (i) => encodeCursor([i.code]));
}
