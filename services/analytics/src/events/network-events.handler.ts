import {
  LearningProjectCancelled,
  LearningProjectEnrolled,
  LearningProjectEnrolmentCancelled,
  LearningProjectPublished,
  OperatorAssigned,
  OperatorUnassigned,
  ServiceNodeClosed,
  ServiceNodeOpened,
  ServiceNodeReactivated,
  ServiceNodeSuspended,
  ServiceNodeUpdated,
} from '@creditbank/contracts';
import { on, type HandlerRegistration } from '@creditbank/events';
import type { FactWriter } from '../use-cases/ports';

/** The node dimension, operator assignments and local learning projects from `creditbank.network.v1`. */
export function networkEventHandlers(facts: FactWriter): HandlerRegistration[] {
  const node = (
    d: { nodeId: string; province: string; adminDivision: string; kind: string; status: string },
    name: string | null,
    at: string,
  ) =>
    facts.serviceNodeChanged({
      nodeId: d.nodeId,
      province: d.province,
      adminDivision: d.adminDivision,
      kind: d.kind,
      name,
      status: d.status,
      at,
    });
  return [
    on(ServiceNodeOpened, async ({ data: d }) => node(d, d.nodeName, d.openedAt)),
    on(ServiceNodeUpdated, async ({ data: d }) => node(d, d.nodeName, d.updatedAt)),
    on(ServiceNodeSuspended, async ({ data: d }) => node(d, null, d.at)),
    on(ServiceNodeClosed, async ({ data: d }) => node(d, null, d.at)),
    on(ServiceNodeReactivated, async ({ data: d }) => node(d, null, d.at)),
    on(OperatorAssigned, async ({ data: d }) =>
      facts.operatorAssignment({ userId: d.userId, nodeId: d.nodeId, province: d.province, kind: 'ASSIGNED', at: d.assignedAt }),
    ),
    on(OperatorUnassigned, async ({ data: d }) =>
      facts.operatorAssignment({ userId: d.userId, nodeId: d.nodeId, province: d.province, kind: 'UNASSIGNED', at: d.unassignedAt }),
    ),
    on(LearningProjectPublished, async ({ data: d }) =>
      facts.projectPublished({
        projectId: d.projectId,
        nodeId: d.nodeId,
        province: d.province,
        adminDivision: d.adminDivision,
        title: d.title,
        catalogItemCode: d.catalogItemCode,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        capacity: d.capacity,
      }),
    ),
    on(LearningProjectCancelled, async ({ data: d }) =>
      facts.projectCancelled({ projectId: d.projectId, province: d.province, at: d.cancelledAt }),
    ),
    on(LearningProjectEnrolled, async ({ data: d }) =>
      facts.enrolment({ projectId: d.projectId, accountNo: d.accountNo, province: d.province, enrolled: true, at: d.enrolledAt }),
    ),
    on(LearningProjectEnrolmentCancelled, async ({ data: d }) =>
      facts.enrolment({ projectId: d.projectId, accountNo: d.accountNo, province: d.province, enrolled: false, at: d.cancelledAt }),
    ),
  ];
}
