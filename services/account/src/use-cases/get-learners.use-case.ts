import {
  canReadLearner,
  decodeCursor,
  encodeCursor,
  narrowScope,
  pageSize,
  scopeOf,
  toConnection,
  BadInputError,
  type Caller,
  type Connection,
} from '@creditbank/kernel';
import { parseResidentId } from '@creditbank/identity';
import type { Learner } from '../domain/learner';
import type { Keyed, LearnerFilter, LearnerStore } from './ports';

/**
 * Learners a caller may see, by account number: a learner sees only themself, staff their province,
 * PLATFORM_ADMIN all. Anything else (and malformed numbers) looks exactly like a missing account.
 */
export async function getLearners(store: LearnerStore, caller: Caller, accountNos: readonly string[]): Promise<Array<Learner | null>> {
  const visible = [...new Set(accountNos.filter((no) => canReadLearner(caller, no)))];
  const rows = visible.length ? await store.findByAccountNos(scopeOf(caller), visible) : [];
  const byNo = new Map(rows.map((l) => [l.accountNo, l]));
  return accountNos.map((no) => byNo.get(no) ?? null);
}

export interface LearnerFilterInput {
  province?: string | null;
  divisionPrefix?: string | null;
  status?: LearnerFilter['status'] | null;
  channel?: LearnerFilter['channel'] | null;
  openedFrom?: string | null;
  openedTo?: string | null;
}

function parseDate(value: string | null | undefined, field: string, end: boolean): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : value);
  if (Number.isNaN(ms)) throw new BadInputError('Must be an ISO-8601 date', field);
  return new Date(ms);
}

/** Staff list their province's learners (PLATFORM_ADMIN any province), filtered and paged. */
export async function listLearners(
  store: LearnerStore,
  caller: Caller,
  filter: LearnerFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Learner>> {
  const scope = narrowScope(scopeOf(caller), filter?.province);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const f: LearnerFilter = {};
  if (filter?.divisionPrefix) {
    if (!/^[0-9]{2,9}$/.test(filter.divisionPrefix))
      throw new BadInputError('Division prefix must be 2 to 9 digits', 'filter.divisionPrefix');
    f.divisionPrefix = filter.divisionPrefix;
  }
  if (filter?.status) f.status = filter.status;
  if (filter?.channel) f.channel = filter.channel;
  const from = parseDate(filter?.openedFrom, 'filter.openedFrom', false);
  const to = parseDate(filter?.openedTo, 'filter.openedTo', true);
  if (from) f.openedFrom = from;
  if (to) f.openedTo = to;
  const { rows, total } = await store.list(scope, f, { after: cursor ? String(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (l) => encodeCursor([l.accountNo]));
}

/** Find a learner by ID number (operators and admins; via the keyed hash; the number is never stored). */
export async function findLearnerByIdNumber(
  deps: { learners: LearnerStore; keyed: Keyed },
  caller: Caller,
  idNumber: string,
  now: Date,
): Promise<Learner | null> {
  const id = parseResidentId(idNumber, 'idNumber', now);
  return deps.learners.findByIdHash(scopeOf(caller), deps.keyed.idHash(id.value));
}
