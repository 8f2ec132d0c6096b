import { OperatorAssigned, createEvent, type OutgoingEvent } from '@creditbank/contracts';
import type { StaffMember } from '../domain/operator';
import { SOURCE } from './event-meta';
import type { ServiceNodeStore, StaffStore } from './ports';

export interface StaffUserFacts {
  userId: string;
  role: StaffMember['role'];
  province: string;
  requestedNodeId: string | null;
  createdAt: Date;
}

/**
 * Learn a staff user from the account service (`staff.user-created`). An INTAKE_OPERATOR created
 * for a node (`requestedNodeId`) that exists in the same province and is not closed is assigned to
 * it at once: the projection and its operator.assigned event are one insert, so a redelivered event
 * (even under a new event id) finds the user known and changes nothing. Otherwise the centre admin
 * assigns the operator later with assignOperator.
 */
export async function recordStaffUser(
  deps: { staff: StaffStore; nodes: ServiceNodeStore },
  facts: StaffUserFacts,
  trace: { now: Date; requestId?: string | undefined; traceparent?: string | undefined },
): Promise<{ recorded: boolean; assignedTo: string | null }> {
  let nodeId: string | null = null;
  if (facts.role === 'INTAKE_OPERATOR' && facts.requestedNodeId) {
    const [node] = await deps.nodes.findByIds({ province: facts.province }, [facts.requestedNodeId]);
    if (node && node.status !== 'CLOSED') nodeId = node.id;
  }
  const events: OutgoingEvent[] = nodeId
    ? [
        createEvent(
          OperatorAssigned,
          { userId: facts.userId, nodeId, province: facts.province, assignedBy: 'system', assignedAt: trace.now.toISOString() },
          {
            province: facts.province,
            source: SOURCE,
            time: trace.now,
            ...(trace.requestId ? { requestId: trace.requestId } : {}),
            ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
          },
        ),
      ]
    : [];
  const member: StaffMember = {
    userId: facts.userId,
    role: facts.role,
    province: facts.province,
    requestedNodeId: facts.requestedNodeId,
    nodeId,
    assignedAt: nodeId ? trace.now : null,
    assignedBy: nodeId ? 'system' : null,
    createdAt: facts.createdAt,
    version: 1,
  };
  const recorded = await deps.staff.record(member, events);
  return { recorded, assignedTo: recorded ? nodeId : null };
}
