import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { AccountNo, DivisionCode, EntityId, Nullable, ProvinceCode, Timestamp } from './common';

/**
 * Intake network events (`creditbank.network.v1`): the service network (centre → branches →
 * sub-centres → township intake points), operator assignments and local learning projects. They
 * carry organisational facts only: node and project names, divisions, coordinates of public
 * offices, staff user ids and learner account numbers — never names, ID numbers or phone numbers of
 * people, and not the nodes' contact details.
 */
const Kind = Type.Union([Type.Literal('CENTER'), Type.Literal('BRANCH'), Type.Literal('SUBCENTER'), Type.Literal('INTAKE_POINT')], {
  description: 'CENTER (province) > BRANCH (city) > SUBCENTER (county) > INTAKE_POINT (township, 受理点)',
});
const NodeStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('SUSPENDED'), Type.Literal('CLOSED')]);
const Service = Type.Union([
  Type.Literal('ACCOUNT_OPENING'),
  Type.Literal('DEPOSIT'),
  Type.Literal('CONVERSION_INTAKE'),
  Type.Literal('CERTIFICATES'),
]);
const GeoPoint = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
const Actor = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Who made the change: a staff user id, a learner accountNo, or "system"',
});
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const NodeName = Type.String({ minLength: 2, maxLength: 100 });

const nodeFacts = {
  nodeId: EntityId,
  kind: Kind,
  nodeName: NodeName,
  province: ProvinceCode,
  adminDivision: DivisionCode,
  parentId: Nullable(EntityId),
  hostOrganization: Nullable(Type.String({ maxLength: 100 })),
  location: Nullable(GeoPoint),
  services: Type.Array(Service, { maxItems: 4 }),
  status: NodeStatus,
};

const exampleNode = {
  nodeId: 'sn-330106013',
  kind: 'INTAKE_POINT' as const,
  nodeName: '文新街道受理点',
  province: '33',
  adminDivision: '330106013',
  parentId: 'sn-330106',
  hostOrganization: '杭州市西湖区文新街道成人文化技术学校',
  location: { lat: 30.2905, lng: 120.1044 },
  services: ['ACCOUNT_OPENING' as const, 'DEPOSIT' as const, 'CONVERSION_INTAKE' as const],
  status: 'ACTIVE' as const,
};

export const ServiceNodeOpened = defineEvent({
  type: 'creditbank.service-node.opened.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description:
    'A node of the intake network was opened: the provincial centre, a city branch, a county sub-centre or a township intake point (受理点), bound to a GB/T 2260 division inside its parent’s.',
  data: Type.Object({ ...nodeFacts, openedBy: Actor, openedAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.nodeId,
  subject: (d) => `service-node/${d.nodeId}`,
  example: { ...exampleNode, openedBy: 'su-admin-33', openedAt: '2026-11-27T07:00:00.000Z' },
});

export const ServiceNodeUpdated = defineEvent({
  type: 'creditbank.service-node.updated.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description:
    'A node’s public details changed (name, host organisation, address, location, contact, opening hours or services). Carries the full current facts and which fields changed; contact details themselves are not published.',
  data: Type.Object(
    {
      ...nodeFacts,
      changed: Type.Array(
        Type.Union([
          Type.Literal('nodeName'),
          Type.Literal('hostOrganization'),
          Type.Literal('address'),
          Type.Literal('location'),
          Type.Literal('contact'),
          Type.Literal('openingHours'),
          Type.Literal('services'),
        ]),
        { minItems: 1, maxItems: 7 },
      ),
      updatedBy: Actor,
      updatedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.nodeId,
  subject: (d) => `service-node/${d.nodeId}`,
  example: { ...exampleNode, changed: ['location', 'openingHours'], updatedBy: 'su-admin-33', updatedAt: '2026-11-28T07:00:00.000Z' },
});

const statusChange = (type: string, description: string, status: 'SUSPENDED' | 'CLOSED' | 'ACTIVE') =>
  defineEvent({
    type,
    topic: TOPICS.network,
    producer: 'intake-network',
    description,
    data: Type.Object(
      {
        nodeId: EntityId,
        kind: Kind,
        province: ProvinceCode,
        adminDivision: DivisionCode,
        status: Type.Literal(status),
        previousStatus: NodeStatus,
        reason: Reason,
        by: Actor,
        at: Timestamp,
      },
      { additionalProperties: false },
    ),
    key: (d) => d.nodeId,
    subject: (d) => `service-node/${d.nodeId}`,
    example: {
      nodeId: 'sn-330106013',
      kind: 'INTAKE_POINT',
      province: '33',
      adminDivision: '330106013',
      status,
      previousStatus: status === 'ACTIVE' ? 'SUSPENDED' : 'ACTIVE',
      reason: '场地改造，暂停受理',
      by: 'su-admin-33',
      at: '2026-11-29T07:00:00.000Z',
    },
  });

export const ServiceNodeSuspended = statusChange(
  'creditbank.service-node.suspended.v1',
  'A node stopped serving for a while (it stays in the network; intake points drop out of nearestIntakePoints until reactivated).',
  'SUSPENDED',
);

export const ServiceNodeClosed = statusChange(
  'creditbank.service-node.closed.v1',
  'A node was closed (it had no open children; its operators were unassigned before, each with operator.unassigned).',
  'CLOSED',
);

export const ServiceNodeReactivated = statusChange(
  'creditbank.service-node.reactivated.v1',
  'A suspended node resumed service, or a closed node was reopened (previousStatus says which).',
  'ACTIVE',
);

export const OperatorAssigned = defineEvent({
  type: 'creditbank.operator.assigned.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description:
    'An intake operator (staff user) was assigned to a service node; their next token carries the node. A move to another node is an operator.unassigned for the old node followed by this event 1 ms later.',
  data: Type.Object(
    { userId: EntityId, nodeId: EntityId, province: ProvinceCode, assignedBy: EntityId, assignedAt: Timestamp },
    { additionalProperties: false },
  ),
  key: (d) => d.userId,
  subject: (d) => `operator/${d.userId}`,
  example: {
    userId: 'su-2f1c9a',
    nodeId: 'sn-330106013',
    province: '33',
    assignedBy: 'su-admin-33',
    assignedAt: '2026-11-27T07:05:00.000Z',
  },
});

export const OperatorUnassigned = defineEvent({
  type: 'creditbank.operator.unassigned.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description: 'An intake operator no longer serves a node; their next token carries no node.',
  data: Type.Object(
    { userId: EntityId, nodeId: EntityId, province: ProvinceCode, unassignedBy: EntityId, unassignedAt: Timestamp },
    { additionalProperties: false },
  ),
  key: (d) => d.userId,
  subject: (d) => `operator/${d.userId}`,
  example: {
    userId: 'su-2f1c9a',
    nodeId: 'sn-330106013',
    province: '33',
    unassignedBy: 'su-admin-33',
    unassignedAt: '2026-11-28T07:05:00.000Z',
  },
});

const CatalogItemCode = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$' });

export const LearningProjectPublished = defineEvent({
  type: 'creditbank.learning-project.published.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description:
    'A sub-centre or intake point published a local lifelong-learning project (地方特色终身教育学习项目) with a schedule and a capacity; analytics uses it for recommendations.',
  data: Type.Object(
    {
      projectId: EntityId,
      nodeId: EntityId,
      province: ProvinceCode,
      adminDivision: DivisionCode,
      title: Type.String({ minLength: 2, maxLength: 100 }),
      catalogItemCode: Nullable(CatalogItemCode),
      startsAt: Timestamp,
      endsAt: Nullable(Timestamp),
      capacity: Type.Integer({ minimum: 1, maximum: 1000 }),
      publishedBy: Actor,
      publishedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.projectId,
  subject: (d) => `learning-project/${d.projectId}`,
  example: {
    projectId: 'lp-6b1f0e2c',
    nodeId: 'sn-330106013',
    province: '33',
    adminDivision: '330106013',
    title: '西湖龙井茶炒制技艺培训班',
    catalogItemCode: 'VOC-TEA-03',
    startsAt: '2027-03-01T01:00:00.000Z',
    endsAt: '2027-03-05T09:00:00.000Z',
    capacity: 30,
    publishedBy: 'su-admin-33',
    publishedAt: '2026-11-27T07:10:00.000Z',
  },
});

/**
 * Seats are taken with one conditional update (a seat left, the learner holds none) that also carries
 * the event, so the event cannot know the count after it: consumers count enrolments and cancellations.
 */
const enrolment = {
  projectId: EntityId,
  nodeId: EntityId,
  province: ProvinceCode,
  accountNo: AccountNo,
  capacity: Type.Integer({ minimum: 1, maximum: 1000 }),
};
const exampleEnrolment = {
  projectId: 'lp-6b1f0e2c',
  nodeId: 'sn-330106013',
  province: '33',
  accountNo: '330000000177',
  capacity: 30,
};

export const LearningProjectEnrolled = defineEvent({
  type: 'creditbank.learning-project.enrolled.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description: 'A learner took a seat in a local learning project (never beyond its capacity). Keyed by the learner.',
  data: Type.Object({ ...enrolment, enrolledBy: Actor, enrolledAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.accountNo,
  subject: (d) => `learning-project/${d.projectId}`,
  example: { ...exampleEnrolment, enrolledBy: '330000000177', enrolledAt: '2026-11-27T08:00:00.000Z' },
});

export const LearningProjectEnrolmentCancelled = defineEvent({
  type: 'creditbank.learning-project.enrolment-cancelled.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description: 'A learner gave up their seat in a local learning project; the seat is free again. Keyed by the learner.',
  data: Type.Object({ ...enrolment, cancelledBy: Actor, cancelledAt: Timestamp }, { additionalProperties: false }),
  key: (d) => d.accountNo,
  subject: (d) => `learning-project/${d.projectId}`,
  example: { ...exampleEnrolment, cancelledBy: '330000000177', cancelledAt: '2026-11-28T08:00:00.000Z' },
});

export const LearningProjectCancelled = defineEvent({
  type: 'creditbank.learning-project.cancelled.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description: 'A local learning project was called off; its enrolments stay on record, no new ones are taken.',
  data: Type.Object(
    {
      projectId: EntityId,
      nodeId: EntityId,
      province: ProvinceCode,
      enrolledCount: Type.Integer({ minimum: 0, maximum: 1000 }),
      reason: Reason,
      cancelledBy: Actor,
      cancelledAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  key: (d) => d.projectId,
  subject: (d) => `learning-project/${d.projectId}`,
  example: {
    projectId: 'lp-6b1f0e2c',
    nodeId: 'sn-330106013',
    province: '33',
    enrolledCount: 12,
    reason: '授课教师无法到场',
    cancelledBy: 'su-admin-33',
    cancelledAt: '2026-12-01T08:00:00.000Z',
  },
});

export const NETWORK_EVENTS = [
  ServiceNodeOpened,
  ServiceNodeUpdated,
  ServiceNodeSuspended,
  ServiceNodeClosed,
  ServiceNodeReactivated,
  OperatorAssigned,
  OperatorUnassigned,
  LearningProjectPublished,
  LearningProjectEnrolled,
  LearningProjectEnrolmentCancelled,
  LearningProjectCancelled,
] as const;
