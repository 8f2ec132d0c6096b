import { BadInputError, ForbiddenError, UnauthenticatedError, canReadLearner, type Caller } from '@creditbank/kernel';
import type { Actor, Application } from '../domain/credit-account';

/** The actor recorded in histories and events: a staff user id or the learner's accountNo. */
export function actorOf(caller: Caller): Actor {
  if (caller.kind !== 'user') throw new UnauthenticatedError();
  return { id: caller.sub.slice(0, 64), role: caller.role };
}

/** Reading a learner's credit account and conversions: the learner, staff of their province (not analysts), PLATFORM_ADMIN. */
export function canReadCreditAccount(caller: Caller, accountNo: string): boolean {
  if (!canReadLearner(caller, accountNo)) return false;
  return caller.kind === 'user' && caller.role !== 'ANALYST';
}

/** Acting for a learner (submit, cancel, redeem): the learner themself, or an intake operator of their province. */
export function canActForLearner(caller: Caller, accountNo: string): boolean {
  if (caller.kind !== 'user') return false;
  if (caller.role === 'LEARNER') return caller.acct === accountNo;
  if (caller.role === 'INTAKE_OPERATOR') return canReadLearner(caller, accountNo);
  return false;
}

/** Who sees an application: its learner, staff of its province, the partner university it is addressed to, PLATFORM_ADMIN. */
export function canSeeApplication(caller: Caller, app: Application): boolean {
  if (caller.kind !== 'user') return false;
  switch (caller.role) {
    case 'PLATFORM_ADMIN':
      return true;
    case 'LEARNER':
      return caller.acct === app.accountNo;
    case 'UNIVERSITY_PARTNER':
      return !!caller.inst && caller.inst === app.target.institutionCode && caller.province === app.province;
    case 'INTAKE_OPERATOR':
    case 'CENTER_ADMIN':
    case 'EXPERT':
      return caller.province === app.province;
    default:
      return false;
  }
}

/** Who decides: the centre of the province, or the partner university the application is addressed to. */
export function canDecide(caller: Caller, app: Application): boolean {
  if (caller.kind !== 'user') return false;
  if (caller.role === 'PLATFORM_ADMIN') return true;
  if (caller.role === 'CENTER_ADMIN') return caller.province === app.province;
  if (caller.role === 'UNIVERSITY_PARTNER')
    return !!caller.inst && caller.inst === app.target.institutionCode && caller.province === app.province;
  return false;
}

export function requireRole(caller: Caller, roles: readonly string[]): asserts caller is Extract<Caller, { kind: 'user' }> {
  if (caller.kind !== 'user') throw new UnauthenticatedError();
  if (!roles.includes(caller.role)) throw new ForbiddenError('Not allowed for your role');
}

export const APPLICATION_ID = /^ca-[0-9a-f-]{36}$/;
export const RULE_ID = /^cr-[0-9a-f-]{36}$/;
export const OUTCOME_ID = /^oc-[0-9a-f-]{36}$/;
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

export function idempotencyKey(raw: string): string {
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw))
    throw new BadInputError('idempotencyKey must be 1–100 letters, digits, dots, dashes, underscores or colons', 'idempotencyKey');
  return raw;
}
