import type { OperatorAssignmentStore } from './ports';

/** Keep which node each operator serves (from the intake network's events); newer facts win. */
export async function recordOperatorAssigned(
  store: OperatorAssignmentStore,
  fact: { userId: string; nodeId: string; province: string; at: Date },
): Promise<void> {
  await store.assign(fact.userId, fact.nodeId, fact.province, fact.at);
}

/** An unassignment clears the binding only if the operator is still bound to that node. */
export async function recordOperatorUnassigned(
  store: OperatorAssignmentStore,
  fact: { userId: string; nodeId: string; at: Date },
): Promise<void> {
  await store.unassign(fact.userId, fact.nodeId, fact.at);
}
