import { canReadLearner, scopeOf, type Caller } from '@creditbank/kernel';
import type { Learner } from '../domain/learner';
import type { LearnerStore } from './ports';

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
