import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { StaffUser } from '../domain/staff-user';
import type { OperatorAssignmentStore, StaffCredential, StaffStore } from '../use-cases/ports';

export const STAFF_COLLECTION = 'staff_users';

type StaffDoc = Omit<StaffUser, 'id'> & { _id: string; passwordHash: string; failedLogins: number; lockedUntil: Date | null };

const staffSchema = new Schema<StaffDoc>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    displayName: { type: String, default: null },
    role: { type: String, required: true },
    province: { type: String, required: true },
    requestedNodeId: { type: String, default: null },
    institutionCode: { type: String, default: null },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    passwordHash: { type: String, required: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    ...outboxSchemaFields,
  },
  { collection: STAFF_COLLECTION, versionKey: false, minimize: false },
);
staffSchema.index({ username: 1 }, { unique: true });
staffSchema.index({ province: 1, role: 1 });

const PUBLIC = { passwordHash: 0, failedLogins: 0, lockedUntil: 0, ...OUTBOX_HIDDEN } as const;
const toUser = (d: Omit<StaffDoc, 'passwordHash' | 'failedLogins' | 'lockedUntil'>): StaffUser => ({
  id: d._id,
  username: d.username,
  displayName: d.displayName ?? null,
  role: d.role,
  province: d.province,
  requestedNodeId: d.requestedNodeId ?? null,
  institutionCode: d.institutionCode ?? null,
  status: d.status,
  createdAt: d.createdAt,
  createdBy: d.createdBy,
});

export function createStaffRepository(connection: Connection, signal: OutboxSignal): StaffStore {
  const staff = connection.model<StaffDoc>('StaffUser', staffSchema);
  return {
    async insert(user, passwordHash, events) {
      const { id, ...rest } = user;
      try {
        await staff.create({ _id: id, ...rest, passwordHash, failedLogins: 0, lockedUntil: null, ...outboxOnInsert(events) });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      signal.notify();
      return true;
    },
    async findByIds(scope: TenantScope, ids) {
      return (await staff.find(scoped(scope, { _id: { $in: [...ids] } }), PUBLIC).lean<StaffDoc[]>()).map(toUser);
    },
    async findByUsername(username) {
      const d = await staff.findOne({ username }, PUBLIC).lean<StaffDoc>();
      return d ? toUser(d) : null;
    },
    async credentialByUsername(username): Promise<StaffCredential | null> {
      const d = await staff
        .findOne(
          { username },
          { username: 1, role: 1, province: 1, institutionCode: 1, status: 1, passwordHash: 1, failedLogins: 1, lockedUntil: 1 },
        )
        .lean<StaffDoc>();
      return d
        ? {
            id: d._id,
            username: d.username,
            role: d.role,
            province: d.province,
            institutionCode: d.institutionCode ?? null,
            status: d.status,
            passwordHash: d.passwordHash,
            failedLogins: d.failedLogins ?? 0,
            lockedUntil: d.lockedUntil ?? null,
          }
        : null;
    },
    async recordLoginFailure(id, lockedUntil) {
      await staff.updateOne({ _id: id }, { $inc: { failedLogins: 1 }, $set: { lockedUntil } });
    },
    async recordLoginSuccess(id) {
      await staff.updateOne(
        { _id: id, $or: [{ failedLogins: { $gt: 0 } }, { lockedUntil: { $ne: null } }] },
        { $set: { failedLogins: 0, lockedUntil: null } },
      );
    },
  };
}

type AssignmentDoc = { _id: string; nodeId: string | null; province: string; at: Date };
const assignmentSchema = new Schema<AssignmentDoc>(
  { _id: String, nodeId: { type: String, default: null }, province: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'operator_assignments', versionKey: false },
);

/** Projection of the intake network's operator.assigned / operator.unassigned events. */
export function createOperatorAssignmentRepository(connection: Connection): OperatorAssignmentStore {
  const assignments = connection.model<AssignmentDoc>('OperatorAssignment', assignmentSchema);
  return {
    async assign(userId, nodeId, province, at) {
      // Newer facts win: an old event redelivered after a newer one changes nothing.
      const result = await assignments.updateOne({ _id: userId, at: { $lt: at } }, { $set: { nodeId, province, at } });
      if (result.matchedCount === 0) {
        try {
          await assignments.create({ _id: userId, nodeId, province, at });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error; // exists with a newer or equal time: keep it
        }
      }
    },
    async unassign(userId, nodeId, at) {
      await assignments.updateOne({ _id: userId, nodeId, at: { $lt: at } }, { $set: { nodeId: null, at } });
    },
    async nodeOf(userId) {
      return (await assignments.findById(userId).lean<AssignmentDoc>())?.nodeId ?? null;
    },
  };
}
