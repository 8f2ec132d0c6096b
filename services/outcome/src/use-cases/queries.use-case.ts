import {
  BadInputError,
  decodeCursor,
  encodeCursor,
  isValidAccountNo,
  pageSize,
  toConnection,
  type Caller,
  type Connection,
} from '@creditbank/kernel';
import { isOutcomeType } from '@creditbank/credit-rules';
import { parseUscc } from '@creditbank/identity';
import type { LearningOutcome, OutcomeStatus } from '../domain/outcome';
import { accessOf, canSee, learnerOutcomeAccess } from './access';
import type { ImportBatch, ImportBatchStore, OutcomeAccess, OutcomeFilter, OutcomeStore } from './ports';

export interface OutcomeFilterInput {
  type?: string | null;
  status?: OutcomeStatus | null;
  year?: number | null;
  institutionCode?: string | null;
}

function parseFilter(f: OutcomeFilterInput | null | undefined): OutcomeFilter {
  const out: OutcomeFilter = {};
  if (!f) return out;
  if (f.type) {
    if (!isOutcomeType(f.type)) throw new BadInputError('Unknown outcome type', 'filter.type');
    out.type = f.type;
  }
  if (f.status) out.status = f.status;
  if (f.year !== undefined && f.year !== null) {
    if (!Number.isInteger(f.year) || f.year < 1950 || f.year > 2100)
      throw new BadInputError('year must be between 1950 and 2100', 'filter.year');
    out.year = f.year;
  }
  if (f.institutionCode) out.institutionCode = parseUscc(f.institutionCode, 'filter.institutionCode');
  return out;
}

const EMPTY: Connection<LearningOutcome> = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

async function page(
  store: OutcomeStore,
  access: OutcomeAccess,
  filter: OutcomeFilter,
  first: number | null | undefined,
  after: string | null | undefined,
) {
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const { rows, total } = await store.list(access, filter, { after: cursor ? String(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (o) => encodeCursor([o.id]));
}

/** `Learner.outcomes`: the learner themself or staff of their province; others see an empty archive. */
export async function learnerOutcomes(
  store: OutcomeStore,
  caller: Caller,
  accountNo: string,
  f: OutcomeFilterInput | null | undefined,
  first?: number | null,
  after?: string | null,
) {
  const access = learnerOutcomeAccess(caller, accountNo);
  if (!access) return EMPTY;
  return page(store, access, { ...parseFilter(f), accountNo }, first, after);
}

/** `Institution.depositedOutcomes`: the institution's own admins and staff of its province. */
export async function institutionOutcomes(
  store: OutcomeStore,
  caller: Caller,
  code: string,
  f: OutcomeFilterInput | null | undefined,
  first?: number | null,
  after?: string | null,
) {
  const access = accessOf(caller);
  if (!access || access.kind === 'learner' || (access.kind === 'institution' && access.institutionCode !== code)) return EMPTY;
  return page(store, access, { ...parseFilter(f), institutionCode: code }, first, after);
}

/** Outcomes waiting for a reviewer in the caller's province (review queue). */
export async function outcomesForReview(
  store: OutcomeStore,
  caller: Caller,
  f: OutcomeFilterInput | null | undefined,
  first?: number | null,
  after?: string | null,
) {
  const access = accessOf(caller);
  if (!access || access.kind === 'learner' || access.kind === 'institution') return EMPTY;
  return page(store, access, { ...parseFilter(f), status: 'PENDING_REVIEW' }, first, after);
}

export async function getOutcomes(store: OutcomeStore, caller: Caller, ids: readonly string[]): Promise<LearningOutcome[]> {
  const access = accessOf(caller);
  const wanted = [...new Set(ids.filter((id) => /^oc-[0-9a-f-]{36}$/.test(id)))];
  if (!access || wanted.length === 0) return [];
  return (await store.findByIds(access, wanted)).filter((o) => canSee(caller, o));
}

export interface ArchiveYear {
  year: number;
  outcomes: number;
  recognizedCredits: number;
  points: number;
  byType: Array<{ type: string; outcomes: number; recognizedCredits: number }>;
  items: LearningOutcome[];
}

/** The lifelong timeline (终身学习档案): newest year first, with totals of recognised credits. */
export async function learnerArchive(store: OutcomeStore, caller: Caller, accountNo: string): Promise<ArchiveYear[]> {
  if (!isValidAccountNo(accountNo) || !learnerOutcomeAccess(caller, accountNo)) return [];
  const all = await store.ofLearner(accountNo);
  const years = new Map<number, ArchiveYear>();
  for (const o of all) {
    const y = years.get(o.year) ?? { year: o.year, outcomes: 0, recognizedCredits: 0, points: 0, byType: [], items: [] };
    y.outcomes++;
    y.items.push(o);
    const credits = o.status === 'RECOGNIZED' ? (o.recognition?.credits ?? 0) : 0;
    y.recognizedCredits = Math.round((y.recognizedCredits + credits) * 1000) / 1000;
    y.points += o.status === 'RECOGNIZED' ? (o.recognition?.points ?? 0) : 0;
    let t = y.byType.find((b) => b.type === o.type);
    if (!t) {
      t = { type: o.type, outcomes: 0, recognizedCredits: 0 };
      y.byType.push(t);
    }
    t.outcomes++;
    t.recognizedCredits = Math.round((t.recognizedCredits + credits) * 1000) / 1000;
    years.set(o.year, y);
  }
  return [...years.values()].sort((a, b) => b.year - a.year);
}

export async function getImportBatch(batches: ImportBatchStore, caller: Caller, id: string): Promise<ImportBatch | null> {
  if (caller.kind !== 'user' || !/^ib-[0-9a-f-]{36}$/.test(id)) return null;
  const scope = caller.role === 'PLATFORM_ADMIN' ? ({ all: true } as const) : { province: caller.province };
  const batch = await batches.findById(scope, id);
  if (!batch) return null;
  if (caller.role === 'INSTITUTION_ADMIN') return batch.institutionCode === caller.inst ? batch : null;
  return ['CENTER_ADMIN', 'PLATFORM_ADMIN'].includes(caller.role) ? batch : null;
}
