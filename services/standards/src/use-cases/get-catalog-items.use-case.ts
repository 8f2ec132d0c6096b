import {
  ALL_PROVINCES,
  BadInputError,
  decodeCursor,
  encodeCursor,
  freeText,
  pageSize,
  toConnection,
  type Caller,
  type Connection,
} from '@creditbank/kernel';
import { OUTCOME_TYPES, type OutcomeType } from '@creditbank/credit-rules';
import { draftOf, normaliseCode, publicHead, type CatalogEntry, type CatalogItemVersion, type CatalogScope } from '../domain/catalog-item';
import { optionalInt } from '../domain/input';
import type { CatalogListFilter, CatalogStore, DraftScope } from './ports';

/** Whose drafts a caller sees: PLATFORM_ADMIN all, CENTER_ADMIN its province's provincial items, others none. */
export function draftScopeOf(caller: Caller): DraftScope {
  if (caller.kind !== 'user') return null;
  if (caller.role === 'PLATFORM_ADMIN') return ALL_PROVINCES;
  if (caller.role === 'CENTER_ADMIN') return { province: caller.province };
  return null;
}

/** Catalogue items by code, as the caller may see them (for the per-request loader). */
export async function getCatalogEntries(
  store: CatalogStore,
  caller: Caller,
  codes: readonly string[],
): Promise<Array<CatalogEntry | null>> {
  const wanted = [...new Set(codes.map(normaliseCode).filter((c): c is string => c !== null))];
  const rows = wanted.length ? await store.findByCodes(draftScopeOf(caller), wanted) : [];
  const byCode = new Map(rows.map((e) => [e.code, e]));
  return codes.map((c) => byCode.get(normaliseCode(c) ?? '') ?? null);
}

export interface CatalogFilterInput {
  type?: OutcomeType | null;
  subtype?: string | null;
  level?: number | null;
  track?: string | null;
  field?: string | null;
  status?: string | null;
  search?: string | null;
  scope?: CatalogScope | null;
  /** Items usable in this province (national ones and its own). */
  province?: string | null;
}

/**
 * Search the catalogue. Without a status, the live catalogue (PUBLISHED); RETIRED lists retired
 * items; DRAFT lists the drafts the caller may edit (nothing for others).
 */
export async function listCatalogItems(
  store: CatalogStore,
  caller: Caller,
  filter: CatalogFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<CatalogItemVersion>> {
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const status = (filter?.status ?? 'PUBLISHED').trim().toUpperCase();
  if (status !== 'PUBLISHED' && status !== 'RETIRED' && status !== 'DRAFT')
    throw new BadInputError('Status must be PUBLISHED, RETIRED or DRAFT', 'filter.status');
  const f: CatalogListFilter = { status };
  if (filter?.type) {
    if (!OUTCOME_TYPES.includes(filter.type)) throw new BadInputError('Unknown outcome type', 'filter.type');
    f.type = filter.type;
  }
  const subtype = freeText(filter?.subtype, 'filter.subtype', { max: 40, noAngleBrackets: true });
  if (subtype) f.subtype = subtype.toUpperCase();
  const level = optionalInt(filter?.level, 'filter.level', 1, 20);
  if (level !== null) f.level = level;
  const track = freeText(filter?.track, 'filter.track', { max: 40, noAngleBrackets: true });
  if (track) f.track = track.toUpperCase();
  const field = freeText(filter?.field, 'filter.field', { max: 50, noAngleBrackets: true });
  if (field) f.field = field;
  const search = freeText(filter?.search, 'filter.search', { max: 50, noAngleBrackets: true });
  if (search) f.search = search.toLowerCase();
  if (filter?.scope) {
    if (filter.scope !== 'NATIONAL' && filter.scope !== 'PROVINCIAL') throw new BadInputError('Unknown scope', 'filter.scope');
    f.scope = filter.scope;
  }
  if (filter?.province !== undefined && filter.province !== null) {
    if (!/^[1-9][0-9]$/.test(filter.province)) throw new BadInputError('Province must be a two-digit code', 'filter.province');
    f.usableIn = filter.province;
  }
  const { rows, total } = await store.list(draftScopeOf(caller), f, { after: cursor ? String(cursor[0]) : null, limit });
  const versions = rows.map((e) => (status === 'DRAFT' ? draftOf(e) : publicHead(e))).filter((v): v is CatalogItemVersion => v !== null);
  return toConnection(versions, limit, total, (v) => encodeCursor([v.code]));
}
