import { OperatorAssigned, OperatorUnassigned } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { OperatorAssignmentStore } from '../use-cases/ports';
import { recordOperatorAssigned, recordOperatorUnassigned } from '../use-cases/record-operator-assignment.use-case';

export const operatorAssignedHandler = (store: OperatorAssignmentStore) =>
  on(OperatorAssigned, (e) =>
    recordOperatorAssigned(store, {
      userId: e.data.userId,
      nodeId: e.data.nodeId,
      province: e.data.province,
      at: new Date(e.data.assignedAt),
    }),
  );

export const operatorUnassignedHandler = (store: OperatorAssignmentStore) =>
  on(OperatorUnassigned, (e) =>
    recordOperatorUnassigned(store, { userId: e.data.userId, nodeId: e.data.nodeId, at: new Date(e.data.unassignedAt) }),
  );
