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
import { parseUscc } from '@creditbank/identity';
import type { Application, ApplicationStatus, CreditAccount } from '../domain/credit-account';
import { emptyAccount } from '../domain/credit-account';
import type { LedgerEntry } from '../domain/ledger';
import { APPLICATION_ID, RULE_ID, canReadCreditAccount, canSeeApplication } from './access';
import type { ApplicationAccess, ApplicationFilter, ApplicationStore, CreditAccountStore, LedgerStore } from './ports';

const EMPTY = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
const STATUSES: readonly ApplicationStatus[] = ['SUBMITTED', 'PRELIMINARY_APPROVED', 'APPROVED', 'REJECTED', 'CANCELLED', 'NEEDS_REVIEW'];

/** Credit accounts for a batch of learners (one read); callers who may not see one get an empty account. */
export async function creditAccounts(store: CreditAccountStore, caller: Caller, accountNos: readonly string[]): Promise<CreditAccount[]> {
  const visible = accountNos.filter((n) => isValidAccountNo(n) && canReadCreditAccount(caller, n));
  const found = new Map((await store.getMany(visible)).map((a) => [a.accountNo, a]));
  return accountNos.map((n) => (visible.includes(n) ? (found.get(n) ?? emptyAccount(n, n.slice(0, 2))) : emptyAccount(n, n.slice(0, 2))));
}

/** A page of the ledger, newest first; the cursor is the sequence number. Entries not yet appended come from the account. */
export async function ledgerPage(
  deps: { accounts: CreditAccountStore; ledger: LedgerStore },
  account: CreditAccount,
  first?: number | null,
  after?: string | null,
): Promise<Connection<LedgerEntry>> {
  if (account.seq === 0) return EMPTY;
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const from = cursor ? Number(cursor[0]) - 1 : account.seq;
  if (!Number.isInteger(from) || from < 0 || from > account.seq) throw new BadInputError('after is not a valid cursor', 'after');
  const seqs: number[] = [];
  for (let s = from; s >= 1 && seqs.length < limit + 1; s--) seqs.push(s);
  const found = new Map((await deps.ledger.bySeq(account.accountNo, seqs)).map((e) => [e.seq, e]));
  if (found.size < seqs.length) {
    const pending = await deps.accounts.followUps(account.accountNo);
    for (const e of pending?.entries ?? []) if (!found.has(e.seq)) found.set(e.seq, e);
  }
  const rows = seqs.flatMap((s) => (found.has(s) ? [found.get(s)!] : []));
  return toConnection(rows, limit, account.seq, (e) => encodeCursor([e.seq]));
}

/** Learner.conversions: from the account itself, newest first. */
export function learnerConversions(
  caller: Caller,
  account: CreditAccount,
  first?: number | null,
  after?: string | null,
): Connection<Application> {
  if (!canReadCreditAccount(caller, account.accountNo)) return EMPTY;
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const all = Object.values(account.applications).sort((a, b) => b.submittedAt.localeCompare(a.submittedAt) || b.id.localeCompare(a.id));
  const start = cursor ? all.findIndex((a) => a.submittedAt === cursor[0] && a.id === cursor[1]) + 1 : 0;
  return toConnection(all.slice(start, start + limit + 1), limit, all.length, (a) => encodeCursor([a.submittedAt, a.id]));
}

/** Applications by id (for loaders): the current state from each account; only what the caller may see. */
export async function getApplications(
  deps: { applications: ApplicationStore; accounts: CreditAccountStore },
  caller: Caller,
  ids: readonly string[],
): Promise<Application[]> {
  const valid = ids.filter((id) => APPLICATION_ID.test(id));
  const projected = await deps.applications.findByIds(valid);
  const accounts = new Map((await deps.accounts.getMany(projected.map((p) => p.accountNo))).map((a) => [a.accountNo, a]));
  return projected.map((p) => accounts.get(p.accountNo)?.applications[p.id] ?? p).filter((a) => canSeeApplication(caller, a));
}

export interface ApplicationFilterInput {
  status?: string | null;
  ruleId?: string | null;
  accountNo?: string | null;
  targetInstitutionCode?: string | null;
  province?: string | null;
}

/** Review queues: staff see their province's applications, a partner those addressed to it, PLATFORM_ADMIN all. */
export async function listApplications(
  store: ApplicationStore,
  caller: Caller,
  f: ApplicationFilterInput | null | undefined,
  first?: number | null,
  after?: string | null,
): Promise<Connection<Application>> {
  if (caller.kind !== 'user') return EMPTY;
  let access: ApplicationAccess;
  switch (caller.role) {
    case 'PLATFORM_ADMIN':
      access = { province: f?.province ?? null, institutionCode: null };
      break;
    case 'INTAKE_OPERATOR':
    case 'CENTER_ADMIN':
    case 'EXPERT':
      if (f?.province && f.province !== caller.province) return EMPTY;
      access = { province: caller.province, institutionCode: null };
      break;
    case 'UNIVERSITY_PARTNER':
      if (!caller.inst) return EMPTY;
      access = { province: caller.province, institutionCode: caller.inst };
      break;
    default:
      return EMPTY;
  }
  const filter: ApplicationFilter = {};
  if (f?.status) {
    if (!STATUSES.includes(f.status as ApplicationStatus)) throw new BadInputError('Unknown status', 'filter.status');
    filter.status = f.status as ApplicationStatus;
  }
  if (f?.ruleId) {
    if (!RULE_ID.test(f.ruleId)) return EMPTY;
    filter.ruleId = f.ruleId;
  }
  if (f?.accountNo) {
    if (!isValidAccountNo(f.accountNo)) return EMPTY;
    filter.accountNo = f.accountNo;
  }
  if (f?.targetInstitutionCode) filter.targetInstitutionCode = parseUscc(f.targetInstitutionCode, 'filter.targetInstitutionCode');
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const { rows, total } = await store.list(access, filter, { after: cursor ? [String(cursor[0]), String(cursor[1])] : null, limit });
  return toConnection(rows, limit, total, (a) => encodeCursor([a.submittedAt, a.id]));
}
