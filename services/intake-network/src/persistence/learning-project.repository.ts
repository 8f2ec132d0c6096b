import { Schema, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { LearningProject } from '../domain/learning-project';
import type { LearningProjectStore, ProjectFilter, SeatResult } from '../use-cases/ports';

export const LEARNING_PROJECTS_COLLECTION = 'learning_projects';

/**
 * Stored project. Capacity is enforced by `seatsLeft`: a seat is taken with one conditional update
 * (`seatsLeft > 0` and the learner not yet in `enrolled`) that decrements it, adds the learner and
 * carries the event — so concurrent enrolments can never overbook, and each learner holds one seat.
 */
type ProjectDoc = Omit<LearningProject, 'id'> & { _id: string; seatsLeft: number };

const projectSchema = new Schema<ProjectDoc>(
  {
    _id: { type: String, required: true },
    nodeId: { type: String, required: true },
    province: { type: String, required: true },
    adminDivision: { type: String, required: true },
    nodePath: { type: [String], default: [] },
    title: { type: String, required: true },
    description: { type: String, default: null },
    catalogItemCode: { type: String, default: null },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, default: null },
    venue: { type: String, default: null },
    capacity: { type: Number, required: true },
    seatsLeft: { type: Number, required: true },
    enrolled: { type: [String], default: [] },
    status: { type: String, required: true },
    statusReason: { type: String, default: null },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
    version: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: LEARNING_PROJECTS_COLLECTION, versionKey: false, minimize: false },
);
projectSchema.index({ province: 1, startsAt: 1, _id: 1 });
projectSchema.index({ nodePath: 1, startsAt: 1 });
projectSchema.index({ enrolled: 1 });
projectSchema.index({ catalogItemCode: 1 });

const PUBLIC = OUTBOX_HIDDEN;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const toProject = (d: ProjectDoc): LearningProject => ({
  id: d._id,
  nodeId: d.nodeId,
  province: d.province,
  adminDivision: d.adminDivision,
  nodePath: [...(d.nodePath ?? [])],
  title: d.title,
  description: d.description ?? null,
  catalogItemCode: d.catalogItemCode ?? null,
  startsAt: d.startsAt,
  endsAt: d.endsAt ?? null,
  venue: d.venue ?? null,
  capacity: d.capacity,
  enrolled: [...(d.enrolled ?? [])],
  status: d.status,
  statusReason: d.statusReason ?? null,
  publishedAt: d.publishedAt,
  publishedBy: d.publishedBy,
  version: d.version,
});

export function createLearningProjectRepository(connection: Connection, signal: OutboxSignal): LearningProjectStore {
  const projects = connection.model<ProjectDoc>('LearningProject', projectSchema);

  async function classify(id: string, accountNo: string, taking: boolean): Promise<SeatResult> {
    const doc = await projects.findById(id, { status: 1, seatsLeft: 1, enrolled: 1 }).lean<ProjectDoc>();
    if (!doc) return 'missing';
    const holds = (doc.enrolled ?? []).includes(accountNo);
    if (!taking) return holds ? 'ok' : 'not-enrolled';
    if (holds) return 'already';
    if (doc.status !== 'PUBLISHED') return 'closed';
    return 'full';
  }

  return {
    async insert(project, events) {
      const { id, ...rest } = project;
      await projects.create({ _id: id, ...rest, seatsLeft: project.capacity - project.enrolled.length, ...outboxOnInsert(events) });
      if (events.length) signal.notify();
    },

    async findByIds(scope: TenantScope, ids) {
      if (ids.length === 0) return [];
      return (await projects.find(scoped(scope, { _id: { $in: [...ids] } }), PUBLIC).lean<ProjectDoc[]>()).map(toProject);
    },

    async list(scope: TenantScope, f: ProjectFilter, page) {
      const filter: Record<string, unknown> = {};
      if (f.nodeId) filter['nodeId'] = f.nodeId;
      if (f.withinNodeId) filter['nodePath'] = f.withinNodeId;
      if (f.status) filter['status'] = f.status;
      if (f.catalogItemCode) filter['catalogItemCode'] = f.catalogItemCode;
      if (f.enrolledAccountNo) filter['enrolled'] = f.enrolledAccountNo;
      if (f.divisionPrefix) filter['adminDivision'] = { $gte: f.divisionPrefix, $lt: `${f.divisionPrefix}~` };
      if (f.search) filter['title'] = { $regex: escapeRegex(f.search), $options: 'i' };
      if (f.startsFrom || f.startsTo) {
        filter['startsAt'] = { ...(f.startsFrom ? { $gte: f.startsFrom } : {}), ...(f.startsTo ? { $lte: f.startsTo } : {}) };
      }
      const base = scoped(scope, filter);
      const paged = page.after
        ? {
            $and: [
              base,
              {
                $or: [{ startsAt: { $gt: new Date(page.after[0]) } }, { startsAt: new Date(page.after[0]), _id: { $gt: page.after[1] } }],
              },
            ],
          }
        : base;
      const [rows, total] = await Promise.all([
        projects
          .find(paged, PUBLIC)
          .sort({ startsAt: 1, _id: 1 })
          .limit(page.limit + 1)
          .lean<ProjectDoc[]>(),
        projects.countDocuments(base),
      ]);
      return { rows: rows.map(toProject), total };
    },

    async takeSeat(id, accountNo, events) {
      const result = await projects.updateOne(
        { _id: id, status: 'PUBLISHED', seatsLeft: { $gt: 0 }, enrolled: { $ne: accountNo } },
        withOutbox({ $inc: { seatsLeft: -1, version: 1 }, $push: { enrolled: accountNo } }, events),
      );
      if (result.modifiedCount === 1) {
        if (events.length) signal.notify();
        return 'ok';
      }
      return classify(id, accountNo, true);
    },

    async releaseSeat(id, accountNo, events) {
      const result = await projects.updateOne(
        { _id: id, enrolled: accountNo },
        withOutbox({ $inc: { seatsLeft: 1, version: 1 }, $pull: { enrolled: accountNo } }, events),
      );
      if (result.modifiedCount === 1) {
        if (events.length) signal.notify();
        return 'ok';
      }
      return (await classify(id, accountNo, false)) === 'missing' ? 'missing' : 'not-enrolled';
    },

    async setStatus(id, version, status, reason, events) {
      const result = await projects.updateOne(
        { _id: id, version },
        withOutbox({ $set: { status, statusReason: reason }, $inc: { version: 1 } }, events),
      );
      if (result.modifiedCount !== 1) return null;
      if (events.length) signal.notify();
      const doc = await projects.findById(id, PUBLIC).lean<ProjectDoc>();
      return doc ? toProject(doc) : null;
    },
  };
}
