import { Schema, scoped, type Connection } from '@creditbank/mongo';
import { outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { CourseCertification } from '../domain/course-certification';
import type { CertificationStore } from '../use-cases/ports';

export const CERTIFICATIONS_COLLECTION = 'course_certifications';

/** `reviewers` repeats the experts' ids as plain strings: FerretDB cannot negate a match on an embedded array path. */
type CertificationDoc = Omit<CourseCertification, 'id'> & { _id: string; reviewers: string[] };

const teacherSchema = new Schema(
  { name: String, title: { type: String, default: null }, qualification: { type: String, default: null } },
  { _id: false },
);
const reviewSchema = new Schema(
  { expertId: String, decision: String, score: { type: Number, default: null }, comment: { type: String, default: null }, at: Date },
  { _id: false },
);
const stepSchema = new Schema({ at: Date, by: String, action: String, note: { type: String, default: null } }, { _id: false });

const certificationSchema = new Schema<CertificationDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    institutionCode: { type: String, required: true },
    title: { type: String, required: true },
    catalogItemCode: { type: String, required: true },
    catalogItemVersion: { type: Number, required: true },
    hours: { type: Number, required: true },
    syllabus: { type: String, required: true },
    assessment: { type: String, required: true },
    teachers: { type: [teacherSchema], default: [] },
    status: { type: String, required: true },
    requiredApprovals: { type: Number, required: true },
    reviews: { type: [reviewSchema], default: [] },
    history: { type: [stepSchema], default: [] },
    submittedAt: { type: Date, required: true },
    submittedBy: { type: String, required: true },
    decidedAt: { type: Date, default: null },
    rejectionReason: { type: String, default: null },
    rev: { type: Number, required: true },
    reviewers: { type: [String], default: [] },
    ...outboxSchemaFields,
  },
  { collection: CERTIFICATIONS_COLLECTION, versionKey: false, minimize: false },
);
certificationSchema.index({ province: 1, _id: 1 });
certificationSchema.index({ province: 1, institutionCode: 1, _id: 1 });
certificationSchema.index({ province: 1, status: 1, _id: 1 });

const HIDDEN = { _outbox: 0, _outboxCount: 0, _outboxWrite: 0, reviewers: 0 } as const;
const toCertification = ({ _id, reviewers: _r, ...rest }: CertificationDoc): CourseCertification => ({ id: _id, ...rest });
const reviewersOf = (c: CourseCertification) => c.reviews.map((r) => r.expertId);

export function createCertificationRepository(connection: Connection, signal: OutboxSignal): CertificationStore {
  const certifications = connection.model<CertificationDoc>('CourseCertification', certificationSchema);
  return {
    async insert(c, events) {
      const { id, ...rest } = c;
      await certifications.create({ _id: id, ...rest, rev: 1, reviewers: reviewersOf(c), ...outboxOnInsert(events) });
      if (events.length) signal.notify();
    },
    async findByIds(scope, ids) {
      if (!ids.length) return [];
      return (await certifications.find(scoped(scope, { _id: { $in: [...ids] } }), HIDDEN).lean<CertificationDoc[]>()).map(toCertification);
    },
    async list(scope, f, page) {
      const filter: Record<string, unknown> = {};
      if (f.institutionCode) filter['institutionCode'] = f.institutionCode;
      if (f.statuses) filter['status'] = f.statuses.length === 1 ? f.statuses[0] : { $in: f.statuses };
      if (f.catalogItemCode) filter['catalogItemCode'] = f.catalogItemCode;
      if (f.notReviewedBy) filter['reviewers'] = { $ne: f.notReviewedBy };
      const base = scoped(scope, filter);
      const [rows, total] = await Promise.all([
        certifications
          .find(page.after ? { ...base, _id: { $gt: page.after } } : base, HIDDEN)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<CertificationDoc[]>(),
        certifications.countDocuments(base),
      ]);
      return { rows: rows.map(toCertification), total };
    },
    async update(c, events) {
      const { id, rev, ...rest } = c;
      const result = await certifications.updateOne(
        { _id: id, rev },
        withOutbox({ $set: { ...rest, rev: rev + 1, reviewers: reviewersOf(c) } }, events),
      );
      if (result.modifiedCount !== 1) return null;
      if (events.length) signal.notify();
      return { ...c, rev: rev + 1 };
    },
  };
}
