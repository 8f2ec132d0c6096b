import { canReadLearner, isValidAccountNo, provinceOfAccountNo, type Caller, type CommandContext } from '@creditbank/kernel';
import type { LearningOutcome } from '../domain/outcome';
import type { OutcomeAccess } from './ports';

/**
 * Who sees an outcome: its learner; staff of its province (operators, experts, centre admins);
 * PLATFORM_ADMIN; and the institution that deposited it. Everyone else sees nothing, exactly as if it
 * did not exist.
 */
export function accessOf(caller: Caller): OutcomeAccess | null {
  if (caller.kind !== 'user') return null;
  switch (caller.role) {
    case 'PLATFORM_ADMIN':
      return { kind: 'all' };
    case 'LEARNER':
      return caller.acct ? { kind: 'learner', accountNo: caller.acct } : null;
    case 'INSTITUTION_ADMIN':
      return caller.inst ? { kind: 'institution', institutionCode: caller.inst } : null;
    case 'INTAKE_OPERATOR':
    case 'EXPERT':
    case 'CENTER_ADMIN':
      return { kind: 'province', province: caller.province };
    default:
      return null;
  }
}

export function canSee(caller: Caller, o: LearningOutcome): boolean {
  const access = accessOf(caller);
  if (!access) return false;
  switch (access.kind) {
    case 'all':
      return true;
    case 'learner':
      return o.accountNo === access.accountNo;
    case 'institution':
      return o.institutionCode === access.institutionCode;
    case 'province':
      return o.province === access.province;
  }
}

/** Reading a learner's outcomes/archive: the learner or staff of their province. */
export function learnerOutcomeAccess(caller: Caller, accountNo: string): OutcomeAccess | null {
  if (!isValidAccountNo(accountNo) || !canReadLearner(caller, accountNo)) return null;
  if (caller.kind !== 'user') return null;
  if (caller.role === 'ANALYST') return null;
  return caller.role === 'PLATFORM_ADMIN'
    ? { kind: 'all' }
    : caller.role === 'LEARNER'
      ? { kind: 'learner', accountNo }
      : { kind: 'province', province: provinceOfAccountNo(accountNo) };
}

/**
 * The context of work the service does on its own, with no caller: applying another service's event
 * (its request id and trace carried on) or a background sweep in one province.
 */
export function systemContext(province: string, requestId: string, traceparent?: string): CommandContext {
  return {
    caller: { kind: 'user', sub: 'system', role: 'PLATFORM_ADMIN', province },
    requestId,
    ...(traceparent ? { traceparent } : {}),
    now: new Date(),
  };
}
