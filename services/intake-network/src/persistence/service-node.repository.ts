import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, newOutboxWrite, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { NodeHistoryEntry, ServiceNode } from '../domain/service-node';
import type { InsertResult, IntakePointState, NodeFilter, ServiceNodeStore } from '../use-cases/ports';

export const SERVICE_NODES_COLLECTION = 'service_nodes';

/**
 * Stored node. `slot` (unique) enforces one centre per province, one branch per city and one
 * sub-centre per county among nodes that are not closed. Positions of intake points are searched in
 * their own small collection (intake-point-index.repository.ts).
 */
type NodeDoc = Omit<ServiceNode, 'id'> & { _id: string; slot: string };

const historySchema = new Schema<NodeHistoryEntry>(
  {
    at: Date,
    by: String,
    action: String,
    status: String,
    reason: { type: String, default: null },
    changed: [String],
  },
  { _id: false },
);

const nodeSchema = new Schema<NodeDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    name: { type: String, required: true },
    province: { type: String, required: true },
    adminDivision: { type: String, required: true },
    divisionName: { type: String, required: true },
    parentId: { type: String, default: null },
    ancestorIds: { type: [String], default: [] },
    slot: { type: String, required: true },
    address: { type: String, default: null },
    location: { type: new Schema({ lat: Number, lng: Number }, { _id: false }), default: null },
    hostOrganization: { type: String, default: null },
    contact: {
      type: new Schema({ phone: { type: String, default: null }, email: { type: String, default: null } }, { _id: false }),
      default: null,
    },
    openingHours: { type: [new Schema({ days: [String], opens: String, closes: String }, { _id: false })], default: [] },
    services: { type: [String], default: [] },
    status: { type: String, required: true },
    statusReason: { type: String, default: null },
    history: { type: [historySchema], default: [] },
    openedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: SERVICE_NODES_COLLECTION, versionKey: false, minimize: false },
);
nodeSchema.index({ slot: 1 }, { unique: true });
nodeSchema.index({ parentId: 1, adminDivision: 1, _id: 1 });
nodeSchema.index({ province: 1, adminDivision: 1, _id: 1 });
nodeSchema.index({ adminDivision: 1, _id: 1 });
nodeSchema.index({ ancestorIds: 1 });
nodeSchema.index({ kind: 1, status: 1 });

const PUBLIC = { ...OUTBOX_HIDDEN, slot: 0 } as const;

function toNode(d: NodeDoc): ServiceNode {
  return {
    id: d._id,
    kind: d.kind,
    name: d.name,
    province: d.province,
    adminDivision: d.adminDivision,
    divisionName: d.divisionName,
    parentId: d.parentId ?? null,
    ancestorIds: d.ancestorIds ?? [],
    address: d.address ?? null,
    location: d.location ? { lat: d.location.lat, lng: d.location.lng } : null,
    hostOrganization: d.hostOrganization ?? null,
    contact: d.contact ? { phone: d.contact.phone ?? null, email: d.contact.email ?? null } : null,
    openingHours: (d.openingHours ?? []).map((h) => ({ days: [...h.days], opens: h.opens, closes: h.closes })),
    services: [...(d.services ?? [])],
    status: d.status,
    statusReason: d.statusReason ?? null,
    history: (d.history ?? []).map((h) => ({ ...h, reason: h.reason ?? null, changed: [...(h.changed ?? [])] })),
    openedAt: d.openedAt,
    updatedAt: d.updatedAt,
    version: d.version,
  };
}

function toDoc(node: ServiceNode, slot: string): NodeDoc {
  const { id, ...rest } = node;
  return { _id: id, ...rest, slot };
}

const SMALL_BATCH = 50;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A unique-index violation. FerretDB v1 reports one from an update as error 1 ("UNIQUE constraint
 * failed"), not as 11000 like MongoDB (and like its own inserts).
 */
function isUniqueViolation(error: unknown): boolean {
  return isDuplicateKeyError(error) || /UNIQUE constraint failed/.test(String((error as { message?: unknown })?.message ?? ''));
}

function slotTaken(error: unknown): boolean {
  return isDuplicateKeyError(error) && /slot/.test(String((error as { message?: unknown }).message ?? ''));
}

export function createServiceNodeRepository(connection: Connection, signal: OutboxSignal): ServiceNodeStore {
  const nodes = connection.model<NodeDoc>('ServiceNode', nodeSchema);

  return {
    async insert(node, slot, events): Promise<InsertResult> {
      try {
        await nodes.create({ ...toDoc(node, slot), ...outboxOnInsert(events) });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        if (slotTaken(error)) return 'slot-taken';
        // Which index refused it? The error text differs between MongoDB and FerretDB: look.
        return (await nodes.exists({ _id: node.id })) ? 'id-taken' : 'slot-taken';
      }
      if (events.length) signal.notify();
      return 'inserted';
    },

    async insertMany(items) {
      if (items.length === 0) return 0;
      // One write token for the whole batch: the relay clears it with one statement.
      const write = newOutboxWrite();
      const docs = items.map(({ node, slot, events }) => ({ ...toDoc(node, slot), ...outboxOnInsert(events, write) }));
      let inserted = 0;
      try {
        const result = await nodes.collection.insertMany(docs as never[], { ordered: false });
        inserted = result.insertedCount;
      } catch (error) {
        // Unordered: everything but the duplicates went in.
        const e = error as { code?: number; writeErrors?: unknown[]; insertedCount?: number; result?: { insertedCount?: number } };
        const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
        const allDuplicates = writeErrors.length > 0 && writeErrors.every((w) => (w as { code?: number }).code === 11000);
        if (!allDuplicates && !isDuplicateKeyError(error)) throw error;
        inserted = e.insertedCount ?? e.result?.insertedCount ?? docs.length - writeErrors.length;
      }
      if (inserted > 0) signal.notify();
      return inserted;
    },

    async findByIds(scope: TenantScope, ids) {
      if (ids.length === 0) return [];
      const unique = [...new Set(ids)];
      // Small batches as parallel lookups by _id: the one filter every backend serves from its
      // primary index (FerretDB v1 scans the collection for an $in).
      if (unique.length <= SMALL_BATCH) {
        const docs = await Promise.all(unique.map((id) => nodes.findOne(scoped(scope, { _id: id }), PUBLIC).lean<NodeDoc>()));
        return docs.filter((d): d is NodeDoc => d !== null).map(toNode);
      }
      return (await nodes.find(scoped(scope, { _id: { $in: unique } }), PUBLIC).lean<NodeDoc[]>()).map(toNode);
    },

    async findBySlots(scope: TenantScope, slots) {
      if (slots.length === 0) return [];
      return (await nodes.find(scoped(scope, { slot: { $in: [...slots] } }), PUBLIC).lean<NodeDoc[]>()).map(toNode);
    },

    async findChildren(scope: TenantScope, parentIds) {
      if (parentIds.length === 0) return [];
      const docs = await nodes
        .find(scoped(scope, { parentId: { $in: [...parentIds] } }), PUBLIC)
        .sort({ adminDivision: 1, _id: 1 })
        .lean<NodeDoc[]>();
      return docs.map(toNode);
    },

    async countOpenChildren(id) {
      return nodes.countDocuments({ parentId: id, status: { $ne: 'CLOSED' } });
    },

    async list(scope: TenantScope, f: NodeFilter, page) {
      const filter: Record<string, unknown> = {};
      if (f.kind) filter['kind'] = f.kind;
      if (f.status) filter['status'] = f.status;
      if (f.parentId) filter['parentId'] = f.parentId;
      if (f.withinNodeId) filter['ancestorIds'] = f.withinNodeId;
      if (f.service) filter['services'] = f.service;
      if (f.divisionPrefix) filter['adminDivision'] = { $gte: f.divisionPrefix, $lt: `${f.divisionPrefix}~` };
      if (f.search) filter['name'] = { $regex: escapeRegex(f.search), $options: 'i' };
      const base = scoped(scope, filter);
      const paged = page.after
        ? {
            $and: [
              base,
              { $or: [{ adminDivision: { $gt: page.after[0] } }, { adminDivision: page.after[0], _id: { $gt: page.after[1] } }] },
            ],
          }
        : base;
      const [rows, total] = await Promise.all([
        nodes
          .find(paged, PUBLIC)
          .sort({ adminDivision: 1, _id: 1 })
          .limit(page.limit + 1)
          .lean<NodeDoc[]>(),
        nodes.countDocuments(base),
      ]);
      return { rows: rows.map(toNode), total };
    },

    async intakePointStates(): Promise<IntakePointState[]> {
      const docs = await nodes.collection
        .find({ kind: 'INTAKE_POINT' }, { projection: { province: 1, status: 1, location: 1, updatedAt: 1 } })
        .toArray();
      return docs.map((d) => ({
        id: String(d['_id']),
        province: d['province'] as string,
        status: d['status'] as ServiceNode['status'],
        location: (d['location'] as ServiceNode['location']) ?? null,
        updatedAt: d['updatedAt'] as Date,
      }));
    },

    async update(id, version, change) {
      const $set: Record<string, unknown> = { ...change.set, slot: change.slot };
      try {
        const result = await nodes.updateOne(
          { _id: id, version },
          withOutbox({ $set, $inc: { version: 1 }, $push: { history: change.history } }, change.events),
        );
        if (result.modifiedCount !== 1) return { ok: false, reason: 'stale' };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, reason: 'slot-taken' };
        throw error;
      }
      if (change.events.length) signal.notify();
      const doc = await nodes.findById(id, PUBLIC).lean<NodeDoc>();
      return doc ? { ok: true, node: toNode(doc) } : { ok: false, reason: 'stale' };
    },
  };
}
