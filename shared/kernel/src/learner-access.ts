import type { Caller } from './caller';
import { isValidAccountNo, provinceOfAccountNo } from './account-no';

/**
 * Whether a caller may read a learner's data (any service's part of it): the learner themself, staff
 * of the learner's province (except institution-bound roles, which see learners only through what
 * they deposited), and PLATFORM_ADMIN. Malformed numbers are never visible.
 */
export function canReadLearner(caller: Caller, accountNo: string): boolean {
  if (caller.kind !== 'user' || !isValidAccountNo(accountNo)) return false;
  if (caller.role === 'PLATFORM_ADMIN') return true;
  if (caller.role === 'LEARNER') return caller.acct === accountNo;
  if (caller.role === 'INSTITUTION_ADMIN' || caller.role === 'UNIVERSITY_PARTNER') return false;
  return provinceOfAccountNo(accountNo) === caller.province;
}
