import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { StaffMember } from '../domain/operator';
import type { StaffStore } from '../use-cases/ports';

export const STAFF_COLLECTION = 'staff_members';

/** Projection of the account service's staff users, with the node each operator serves (and its outbox). */
type StaffDoc = Omit<StaffMember, 'userId'> & { _id: string };

const staffSchema = new Schema<StaffDoc>(
  {
    _id: { type: String, required: true },
    role: { type: String, required: true },
    province: { type: String, required: true },
    requestedNodeId: { type: String, default: null },
    nodeId: { type: String, default: null },
    assignedAt: { type: Date, default: null },
    assignedBy: { type: String, default: null },
    createdAt: { type: Date, required: true },
    version: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: STAFF_COLLECTION, versionKey: false, minimize: false },
);
staffSchema.index({ nodeId: 1 });
staffSchema.index({ province: 1, role: 1 });

const PUBLIC = OUTBOX_HIDDEN;
const toMember = (d: StaffDoc): StaffMember => ({
  userId: d._id,
  role: d.role,
  province: d.province,
  requestedNodeId: d.requestedNodeId ?? null,
  nodeId: d.nodeId ?? null,
  assignedAt: d.assignedAt ?? null,
  assignedBy: d.assignedBy ?? null,
  createdAt: d.createdAt,
  version: d.version,
});

export function createStaffRepository(connection: Connection, signal: OutboxSignal): StaffStore {
  const staff = connection.model<StaffDoc>('StaffMember', staffSchema);
  return {
    async record(member, events) {
      const { userId, ...rest } = member;
      try {
        await staff.create({ _id: userId, ...rest, ...outboxOnInsert(events) });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      if (events.length) signal.notify();
      return true;
    },
    async findByIds(scope: TenantScope, userIds) {
      if (userIds.length === 0) return [];
      return (await staff.find(scoped(scope, { _id: { $in: [...userIds] } }), PUBLIC).lean<StaffDoc[]>()).map(toMember);
    },
    async findByNodes(scope: TenantScope, nodeIds) {
      if (nodeIds.length === 0) return [];
      const docs = await staff
        .find(scoped(scope, { nodeId: { $in: [...nodeIds] } }), PUBLIC)
        .sort({ _id: 1 })
        .lean<StaffDoc[]>();
      return docs.map(toMember);
    },
    async assign(userId, version, assignment, events) {
      const $set = assignment
        ? { nodeId: assignment.nodeId, assignedAt: assignment.at, assignedBy: assignment.by }
        : { nodeId: null, assignedAt: null, assignedBy: null };
      const result = await staff.updateOne({ _id: userId, version }, withOutbox({ $set, $inc: { version: 1 } }, events));
      if (result.modifiedCount !== 1) return null;
      if (events.length) signal.notify();
      const doc = await staff.findById(userId, PUBLIC).lean<StaffDoc>();
      return doc ? toMember(doc) : null;
    },
  };
}
