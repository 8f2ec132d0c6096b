import { ServiceNodeClosed, ServiceNodeReactivated, ServiceNodeSuspended, createEvent } from '@creditbank/contracts';
import { ConflictError, scopeOf, type CommandContext, freeText } from '@creditbank/kernel';
import { parseReason, slotOf, transition, type ServiceNode, type StatusCommand } from '../domain/service-node';
import { requireAdmin, requireVisible } from './access';
import { unassignAll } from './assign-operator.use-case';
import { actorOf, metaOf } from './event-meta';
import type { IntakePointIndex, ServiceNodeStore, StaffStore } from './ports';
import { indexIntakePoints } from './intake-point-index.use-case';

const EVENT = {
  suspend: ServiceNodeSuspended,
  close: ServiceNodeClosed,
  resume: ServiceNodeReactivated,
  reopen: ServiceNodeReactivated,
} as const;

/**
 * Status changes of a node (CENTER_ADMIN of the province, PLATFORM_ADMIN), each with a reason that
 * lands in the node's history and its event:
 * - suspend: ACTIVE → SUSPENDED (temporary; operators stay assigned; no new children or projects);
 * - resume: SUSPENDED → ACTIVE;
 * - close: ACTIVE/SUSPENDED → CLOSED, only without open children; its operators are unassigned
 *   first (each with operator.unassigned) and its centre/branch/sub-centre slot is given up;
 * - reopen: CLOSED → ACTIVE, only under a parent that is not closed and while no other node has
 *   taken its slot.
 */
export async function changeNodeStatus(
  deps: { nodes: ServiceNodeStore; staff: StaffStore; index: IntakePointIndex },
  ctx: CommandContext,
  command: StatusCommand,
  id: string,
  reasonRaw: string,
): Promise<ServiceNode> {
  const nodeId = freeText(id, 'id', { max: 64, required: true, noAngleBrackets: true });
  const reason = parseReason(reasonRaw);
  const [found] = await deps.nodes.findByIds(scopeOf(ctx.caller), [nodeId]);
  const current = requireVisible(ctx.caller, found, 'Service node');
  requireAdmin(ctx.caller, current.province);
  const { to, action } = transition(current.status, command);

  if (command === 'close') {
    const open = await deps.nodes.countOpenChildren(current.id);
    if (open > 0) throw new ConflictError(`Close the ${open} open node(s) below it first`, { openChildren: open });
    await unassignAll(deps.staff, ctx, current);
  }
  if (command === 'reopen' && current.parentId) {
    const [parent] = await deps.nodes.findByIds({ province: current.province }, [current.parentId]);
    if (!parent || parent.status === 'CLOSED') throw new ConflictError('The node above it is closed; reopen that first');
  }

  const after: ServiceNode = { ...current, status: to, statusReason: reason, updatedAt: ctx.now };
  const by = actorOf(ctx);
  const event = createEvent(
    EVENT[command],
    {
      nodeId: current.id,
      kind: current.kind,
      province: current.province,
      adminDivision: current.adminDivision,
      status: to as never,
      previousStatus: current.status,
      reason,
      by,
      at: ctx.now.toISOString(),
    },
    metaOf(ctx, current.province),
  );
  const result = await deps.nodes.update(current.id, current.version, {
    set: { status: to, statusReason: reason, updatedAt: ctx.now },
    slot: slotOf(after),
    history: { at: ctx.now, by, action, status: to, reason, changed: [] },
    events: [event],
  });
  if (!result.ok) {
    if (result.reason === 'slot-taken') throw new ConflictError('Another node now serves this division; it cannot be reopened');
    throw new ConflictError('The node was changed at the same time; load it again and retry');
  }
  if (command === 'close') await unassignAll(deps.staff, ctx, current); // anyone assigned while it was closing
  await indexIntakePoints(deps.index, [result.node]);
  return result.node;
}
