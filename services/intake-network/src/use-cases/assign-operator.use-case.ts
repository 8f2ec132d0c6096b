import { OperatorAssigned, OperatorUnassigned, createEvent, type OutgoingEvent } from '@creditbank/contracts';
import { BadInputError, ConflictError, NotFoundError, scopeOf, type CommandContext, freeText } from '@creditbank/kernel';
import type { StaffMember } from '../domain/operator';
import { type ServiceNode } from '../domain/service-node';
import { requireAdmin, requireVisible } from './access';
import { actorOf, metaOf } from './event-meta';
import type { ServiceNodeStore, StaffStore } from './ports';

export interface OperatorDeps {
  nodes: ServiceNodeStore;
  staff: StaffStore;
}

async function loadNode(nodes: ServiceNodeStore, ctx: CommandContext, nodeId: string): Promise<ServiceNode> {
  const id = freeText(nodeId, 'nodeId', { max: 64, required: true, noAngleBrackets: true });
  const [found] = await nodes.findByIds(scopeOf(ctx.caller), [id]);
  const node = requireVisible(ctx.caller, found, 'Service node');
  requireAdmin(ctx.caller, node.province);
  return node;
}

async function loadStaff(staff: StaffStore, province: string, userId: string): Promise<StaffMember> {
  const id = freeText(userId, 'userId', { max: 64, required: true, noAngleBrackets: true });
  const [member] = await staff.findByIds({ province }, [id]);
  // Users of another province look missing, like users the account service has not told us about yet.
  if (!member) throw new NotFoundError('Staff user');
  return member;
}

const unassignedEvent = (m: StaffMember, nodeId: string, by: string, at: Date, ctx: CommandContext) =>
  createEvent(
    OperatorUnassigned,
    { userId: m.userId, nodeId, province: m.province, unassignedBy: by, unassignedAt: at.toISOString() },
    metaOf(ctx, m.province, at),
  );

/**
 * Assign an INTAKE_OPERATOR of the node's province to the node (CENTER_ADMIN of the province,
 * PLATFORM_ADMIN). An operator serves one node: moving one emits operator.unassigned for the old node
 * and operator.assigned for the new one 1 ms later (the account service keeps the newest fact), both
 * in the same single-document write as the assignment. Assigning again to the same node changes nothing.
 */
export async function assignOperator(deps: OperatorDeps, ctx: CommandContext, nodeId: string, userId: string): Promise<ServiceNode> {
  const node = await loadNode(deps.nodes, ctx, nodeId);
  if (node.status === 'CLOSED') throw new ConflictError('A closed node takes no operators', { status: 'CLOSED' });
  const member = await loadStaff(deps.staff, node.province, userId);
  if (member.role !== 'INTAKE_OPERATOR') throw new BadInputError('Only INTAKE_OPERATOR users serve at a node', 'userId');
  if (member.nodeId === node.id) return node;

  const by = actorOf(ctx);
  const events: OutgoingEvent[] = [];
  let at = ctx.now;
  if (member.nodeId) {
    events.push(unassignedEvent(member, member.nodeId, by, at, ctx));
    at = new Date(at.getTime() + 1);
  }
  events.push(
    createEvent(
      OperatorAssigned,
      { userId: member.userId, nodeId: node.id, province: node.province, assignedBy: by, assignedAt: at.toISOString() },
      metaOf(ctx, node.province, at),
    ),
  );
  const updated = await deps.staff.assign(member.userId, member.version, { nodeId: node.id, at, by }, events);
  if (!updated) throw new ConflictError('The operator was changed at the same time; try again');
  return node;
}

/** Take an operator off a node (CENTER_ADMIN of the province, PLATFORM_ADMIN). Idempotent. */
export async function unassignOperator(deps: OperatorDeps, ctx: CommandContext, nodeId: string, userId: string): Promise<ServiceNode> {
  const node = await loadNode(deps.nodes, ctx, nodeId);
  const member = await loadStaff(deps.staff, node.province, userId);
  if (member.nodeId !== node.id) return node;
  const updated = await deps.staff.assign(member.userId, member.version, null, [
    unassignedEvent(member, node.id, actorOf(ctx), ctx.now, ctx),
  ]);
  if (!updated) throw new ConflictError('The operator was changed at the same time; try again');
  return node;
}

/** Unassign everyone serving at a node (before it closes). Each operator is its own write and event. */
export async function unassignAll(staff: StaffStore, ctx: CommandContext, node: ServiceNode): Promise<number> {
  let count = 0;
  for (let round = 0; round < 3; round++) {
    const serving = await staff.findByNodes({ province: node.province }, [node.id]);
    if (serving.length === 0) break;
    for (const m of serving) {
      const done = await staff.assign(m.userId, m.version, null, [unassignedEvent(m, node.id, actorOf(ctx), ctx.now, ctx)]);
      if (done) count++;
    }
  }
  return count;
}
