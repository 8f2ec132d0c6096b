import type { EventMeta } from '@creditbank/contracts';
import type { CommandContext } from '@creditbank/kernel';
import type { Learner } from '../domain/learner';

export const SOURCE = '/creditbank/account';

export function metaOf(ctx: CommandContext, province: string): EventMeta {
  return {
    province,
    source: SOURCE,
    time: ctx.now,
    requestId: ctx.requestId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}

/** Learner facts that events may carry (never name, ID number or phone). */
export function learnerFacts(
  l: Pick<
    Learner,
    'accountNo' | 'province' | 'adminDivision' | 'gender' | 'birthYear' | 'householdId' | 'openingChannel' | 'openedAtNode' | 'idHash'
  >,
) {
  return {
    accountNo: l.accountNo,
    province: l.province,
    adminDivision: l.adminDivision,
    gender: l.gender,
    birthYear: l.birthYear,
    householdId: l.householdId,
    channel: l.openingChannel,
    nodeId: l.openedAtNode,
    idHash: l.idHash,
  };
}

/** The actor recorded in audit trails and events. */
export function actorOf(ctx: CommandContext): string {
  return ctx.caller.kind === 'user' ? ctx.caller.sub : 'anonymous';
}
