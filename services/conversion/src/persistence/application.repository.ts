import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { Application } from '../domain/credit-account';
import type { ApplicationStore } from '../use-cases/ports';

export const APPLICATIONS_COLLECTION = 'conversion_applications';

/**
 * Read model of the applications (the credit accounts hold the truth): for review queues and lookups
 * by id. Each write keeps the newest revision, so replays and out-of-order refreshes are harmless.
 */
type AppDoc = Omit<Application, 'id'> & { _id: string };

const appSchema = new Schema<AppDoc>(
  {
    _id: { type: String, required: true },
    accountNo: { type: String, required: true },
    province: { type: String, required: true },
    ruleId: { type: String, required: true },
    ruleVersion: Number,
    ruleName: String,
    target: { type: Schema.Types.Mixed, required: true },
    outcomeIds: [String],
    credits: Number,
    status: { type: String, required: true },
    nodeId: { type: String, default: null },
    idempotencyKey: String,
    submittedBy: String,
    submittedAt: { type: String, required: true },
    updatedAt: String,
    revokedOutcomeIds: [String],
    history: { type: Schema.Types.Mixed, default: [] },
    rev: { type: Number, required: true },
  },
  { collection: APPLICATIONS_COLLECTION, versionKey: false, minimize: false },
);
appSchema.index({ province: 1, status: 1, submittedAt: -1, _id: -1 });
appSchema.index({ 'target.institutionCode': 1, status: 1, submittedAt: -1 });
appSchema.index({ accountNo: 1, submittedAt: -1 });
appSchema.index({ ruleId: 1, status: 1 });

const toApp = ({ _id, ...rest }: AppDoc): Application => ({ id: _id, ...rest });

export function createApplicationRepository(connection: Connection): ApplicationStore {
  const apps = connection.model<AppDoc>('ConversionApplication', appSchema);
  return {
    async project(list) {
      for (const app of list) {
        const { id, ...rest } = app;
        const r = await apps.updateOne({ _id: id, rev: { $lt: app.rev } }, { $set: rest });
        if (r.matchedCount === 0) {
          try {
            await apps.collection.insertOne({ _id: id, ...rest } as never);
          } catch (error) {
            if (!isDuplicateKeyError(error)) throw error; // a newer (or the same) revision is stored
          }
        }
      }
    },
    async findByIds(ids) {
      if (ids.length === 0) return [];
      return (await apps.find({ _id: { $in: [...ids] } }).lean<AppDoc[]>()).map(toApp);
    },
    async list(access, f, page) {
      const filter: Record<string, unknown> = {};
      if (access.province) filter['province'] = access.province;
      if (access.institutionCode) filter['target.institutionCode'] = access.institutionCode;
      if (f.status) filter['status'] = f.status;
      if (f.ruleId) filter['ruleId'] = f.ruleId;
      if (f.accountNo) filter['accountNo'] = f.accountNo;
      if (f.targetInstitutionCode) {
        if (access.institutionCode && access.institutionCode !== f.targetInstitutionCode) return { rows: [], total: 0 };
        filter['target.institutionCode'] = f.targetInstitutionCode;
      }
      const after = page.after
        ? { $or: [{ submittedAt: { $lt: page.after[0] } }, { submittedAt: page.after[0], _id: { $lt: page.after[1] } }] }
        : {};
      const [rows, total] = await Promise.all([
        apps
          .find({ ...filter, ...after })
          .sort({ submittedAt: -1, _id: -1 })
          .limit(page.limit + 1)
          .lean<AppDoc[]>(),
        apps.countDocuments(filter),
      ]);
      return { rows: rows.map(toApp), total };
    },
  };
}
