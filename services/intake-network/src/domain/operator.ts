import type { Role } from '@creditbank/kernel';

/**
 * A staff user as the intake network knows it (from the account service's `staff.user-created`),
 * with the node it serves. Only INTAKE_OPERATOR users are assigned to nodes, one node at a time (the
 * token carries one `node` claim).
 */
export interface StaffMember {
  userId: string;
  role: Exclude<Role, 'LEARNER'>;
  province: string;
  /** The node named when the user was created (auto-assigned when it exists in the same province). */
  requestedNodeId: string | null;
  /** The node the operator serves now. */
  nodeId: string | null;
  assignedAt: Date | null;
  assignedBy: string | null;
  createdAt: Date;
  version: number;
}

export interface Assignment {
  nodeId: string;
  at: Date;
  by: string;
}
