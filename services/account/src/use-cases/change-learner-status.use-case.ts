import { LearnerAccountClosed, LearnerAccountFrozen, LearnerAccountUnfrozen, createEvent } from '@creditbank/contracts';
import { ConflictError, NotFoundError, canReadLearner, scopeOf, type CommandContext, freeText } from '@creditbank/kernel';
import { assertTransition, type AccountStatus, type Learner } from '../domain/learner';
import { actorOf, metaOf } from './event-meta';
import type { LearnerStore } from './ports';

const ACTIONS = {
  freeze: { to: 'FROZEN', audit: 'FROZEN', event: LearnerAccountFrozen },
  unfreeze: { to: 'ACTIVE', audit: 'UNFROZEN', event: LearnerAccountUnfrozen },
  close: { to: 'CLOSED', audit: 'CLOSED', event: LearnerAccountClosed },
} as const;

/** Freeze, unfreeze or close an account, with a reason, in the audit trail and as an event. */
export async function changeLearnerStatus(
  learners: LearnerStore,
  ctx: CommandContext,
  action: keyof typeof ACTIONS,
  accountNo: string,
  reasonRaw: string,
): Promise<Learner> {
  if (!canReadLearner(ctx.caller, accountNo)) throw new NotFoundError('Learner');
  const reason = freeText(reasonRaw, 'reason', { max: 500, required: true });
  const [current] = await learners.findByAccountNos(scopeOf(ctx.caller), [accountNo]);
  if (!current) throw new NotFoundError('Learner');
  const spec = ACTIONS[action];
  assertTransition(current.status, spec.to);
  const data = {
    accountNo,
    province: current.province,
    previousStatus: current.status,
    reason,
    by: actorOf(ctx),
    at: ctx.now.toISOString(),
  };
  const event =
    spec.to === 'FROZEN'
      ? createEvent(LearnerAccountFrozen, { ...data, status: 'FROZEN' }, metaOf(ctx, current.province))
      : spec.to === 'ACTIVE'
        ? createEvent(LearnerAccountUnfrozen, { ...data, status: 'ACTIVE' }, metaOf(ctx, current.province))
        : createEvent(LearnerAccountClosed, { ...data, status: 'CLOSED' }, metaOf(ctx, current.province));
  const updated = await learners.update(accountNo, current.version, {
    set: { status: spec.to as AccountStatus, statusReason: reason },
    audit: { at: ctx.now, by: actorOf(ctx), action: spec.audit, reason, changes: [{ field: 'status', from: current.status, to: spec.to }] },
    events: [event],
  });
  if (!updated) throw new ConflictError('The account changed at the same time; please try again');
  return updated;
}
