import { StaffUserCreated } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { ServiceNodeStore, StaffStore } from '../use-cases/ports';
import { recordStaffUser } from '../use-cases/record-staff-user.use-case';

export const staffUserCreatedHandler = (deps: { staff: StaffStore; nodes: ServiceNodeStore }) =>
  on(StaffUserCreated, async (event, ctx) => {
    const { assignedTo } = await recordStaffUser(
      deps,
      {
        userId: event.data.userId,
        role: event.data.role,
        province: event.data.province,
        requestedNodeId: event.data.requestedNodeId,
        createdAt: new Date(event.data.createdAt),
      },
      { now: new Date(), requestId: event.requestid, traceparent: event.traceparent },
    );
    if (assignedTo) ctx.logger.info({ userId: event.data.userId, nodeId: assignedTo }, 'operator assigned to the node it was created for');
  });
