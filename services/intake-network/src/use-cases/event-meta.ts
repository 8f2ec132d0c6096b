import type { EventMeta } from '@creditbank/contracts';
import type { CommandContext } from '@creditbank/kernel';
import type { ServiceNode } from '../domain/service-node';

export const SOURCE = '/creditbank/intake-network';

export function metaOf(ctx: Pick<CommandContext, 'now' | 'requestId' | 'traceparent'>, province: string, time = ctx.now): EventMeta {
  return {
    province,
    source: SOURCE,
    time,
    requestId: ctx.requestId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}

/** The actor recorded in histories and events: a staff user id, a learner accountNo, or "system". */
export function actorOf(ctx: CommandContext): string {
  return ctx.caller.kind === 'user' ? ctx.caller.sub.slice(0, 64) : 'anonymous';
}

/** Node facts that events carry (no contact details). */
export function nodeFacts(n: ServiceNode) {
  return {
    nodeId: n.id,
    kind: n.kind,
    nodeName: n.name,
    province: n.province,
    adminDivision: n.adminDivision,
    parentId: n.parentId,
    hostOrganization: n.hostOrganization,
    location: n.location,
    services: [...n.services],
    status: n.status,
  };
}
