import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { TOPICS } from '../topics';
import { EntityId, ProvinceCode, Timestamp } from './common';

/** Intake network events (`creditbank.network.v1`). */
export const OperatorAssigned = defineEvent({
  type: 'creditbank.operator.assigned.v1',
  topic: TOPICS.network,
  producer: 'intake-network',
  description: 'An intake operator (staff user) was assigned to a service node; their next token carries the node.',
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

export const NETWORK_EVENTS = [OperatorAssigned, OperatorUnassigned] as const;
