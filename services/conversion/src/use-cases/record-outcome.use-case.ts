import { provinceOfAccountNo } from '@creditbank/kernel';
import { recordRecognition, recordRevocation, recordStatus, type AccountStatus, type Recognition } from '../domain/credit-account';
import { applyToAccount, type EventContext, type WriterDeps } from './account-writer';

/** outcome.recognized → the credits join the learner's account and points are awarded (once). */
export async function recordOutcomeRecognized(
  deps: WriterDeps,
  ctx: EventContext,
  accountNo: string,
  province: string,
  r: Recognition,
): Promise<void> {
  await applyToAccount(deps, accountNo, { create: true, province, ctx }, (a) => recordRecognition(a, r, ctx.now.toISOString()));
}

/** outcome.revoked → reverse, reject the pending application using it, or flag the approved one for review. */
export async function recordOutcomeRevoked(deps: WriterDeps, ctx: EventContext, accountNo: string, outcomeId: string): Promise<void> {
  await applyToAccount(deps, accountNo, { create: true, province: provinceOfAccountNo(accountNo), ctx }, (a) =>
    recordRevocation(a, outcomeId, ctx.now.toISOString()),
  );
}

/** Account status from the account service (frozen and closed accounts neither convert nor redeem). */
export async function recordAccountStatus(
  deps: WriterDeps,
  ctx: EventContext,
  accountNo: string,
  province: string,
  status: AccountStatus,
  at: string,
): Promise<void> {
  await applyToAccount(deps, accountNo, { create: true, province, ctx }, (a) => recordStatus(a, status, at));
}
