import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { WebhookDelivery, WebhookStore, WebhookSubscription } from '../use-cases/ports';

export const SUBSCRIPTIONS_COLLECTION = 'webhook_subscriptions';
export const DELIVERIES_COLLECTION = 'webhook_deliveries';

type SubDoc = Omit<WebhookSubscription, 'id'> & { _id: string };
type DeliveryDoc = Omit<WebhookDelivery, 'id'> & { _id: string };

const subSchema = new Schema<SubDoc>(
  {
    _id: { type: String, required: true },
    institutionCode: { type: String, required: true },
    province: { type: String, required: true },
    url: { type: String, required: true },
    events: [String],
    status: { type: String, required: true },
    disabledReason: { type: String, default: null },
    secrets: { type: Schema.Types.Mixed, default: [] },
    createdBy: String,
    createdAt: Date,
    updatedAt: Date,
  },
  { collection: SUBSCRIPTIONS_COLLECTION, versionKey: false, minimize: false },
);
subSchema.index({ institutionCode: 1, status: 1 });
subSchema.index({ province: 1 });

/** The durable delivery log: one document per (subscription, event); `_id` is derived from both. */
const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    subscriptionId: { type: String, required: true },
    institutionCode: String,
    province: String,
    eventId: String,
    eventType: String,
    body: String,
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    leaseUntil: { type: Date, required: true },
    lastStatusCode: { type: Number, default: null },
    lastError: { type: String, default: null },
    attemptLog: { type: Schema.Types.Mixed, default: [] },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    replays: { type: Number, default: 0 },
  },
  { collection: DELIVERIES_COLLECTION, versionKey: false, minimize: false },
);
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
deliverySchema.index({ subscriptionId: 1, createdAt: -1, _id: -1 });

const toSub = ({ _id, ...rest }: SubDoc): WebhookSubscription => ({ id: _id, ...rest, disabledReason: rest.disabledReason ?? null });
const toDelivery = ({ _id, ...rest }: DeliveryDoc): WebhookDelivery => ({ id: _id, ...rest });
const MAX_LOG = 20;

export function createWebhookRepository(connection: Connection): WebhookStore {
  const subs = connection.model<SubDoc>('WebhookSubscription', subSchema);
  const deliveries = connection.model<DeliveryDoc>('WebhookDelivery', deliverySchema);
  return {
    async insertSubscription(s) {
      const { id, ...rest } = s;
      await subs.collection.insertOne({ _id: id, ...rest } as never);
    },
    async subscription(id) {
      const d = await subs.findById(id).lean<SubDoc>();
      return d ? toSub(d) : null;
    },
    async subscriptions(filter) {
      const f: Record<string, unknown> = {};
      if (filter.province) f['province'] = filter.province;
      if (filter.institutionCode) f['institutionCode'] = filter.institutionCode;
      return (await subs.find(f).sort({ createdAt: 1, _id: 1 }).limit(200).lean<SubDoc[]>()).map(toSub);
    },
    async activeFor(institutionCode, type) {
      return (await subs.find({ institutionCode, status: 'ACTIVE' }).lean<SubDoc[]>()).map(toSub).filter((s) => s.events.includes(type));
    },
    async updateSubscription(id, set) {
      const { id: _ignored, ...fields } = set as WebhookSubscription;
      const r = await subs.updateOne({ _id: id }, { $set: fields });
      if (r.matchedCount !== 1) return null;
      const d = await subs.findById(id).lean<SubDoc>();
      return d ? toSub(d) : null;
    },
    async enqueue(list) {
      if (list.length === 0) return;
      try {
        await deliveries.collection.insertMany(list.map(({ id, ...rest }) => ({ _id: id, ...rest })) as never[], { ordered: false });
      } catch (error) {
        const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
        if (!(writeErrors ? writeErrors.every((e) => e.code === 11000) : isDuplicateKeyError(error))) throw error;
      }
    },
    async delivery(id) {
      const d = await deliveries.findById(id).lean<DeliveryDoc>();
      return d ? toDelivery(d) : null;
    },
    async deliveries(subscriptionId, status, page) {
      const filter: Record<string, unknown> = { subscriptionId };
      if (status) filter['status'] = status;
      const after = page.after
        ? { $or: [{ createdAt: { $lt: new Date(page.after[0]) } }, { createdAt: new Date(page.after[0]), _id: { $lt: page.after[1] } }] }
        : {};
      const [rows, total] = await Promise.all([
        deliveries
          .find({ ...filter, ...after })
          .sort({ createdAt: -1, _id: -1 })
          .limit(page.limit + 1)
          .lean<DeliveryDoc[]>(),
        deliveries.countDocuments(filter),
      ]);
      return { rows: rows.map(toDelivery), total };
    },
    async claimDue(now, leaseMs, limit) {
      const due = await deliveries
        .find({ status: 'PENDING', nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } }, { _id: 1, leaseUntil: 1 })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<Array<{ _id: string; leaseUntil: Date }>>();
      const claimed: WebhookDelivery[] = [];
      for (const d of due) {
        // Leased with a check of the previous lease: two workers never send the same attempt.
        const r = await deliveries.updateOne(
          { _id: d._id, status: 'PENDING', leaseUntil: d.leaseUntil },
          { $set: { leaseUntil: new Date(now.getTime() + leaseMs) } },
        );
        if (r.modifiedCount !== 1) continue;
        const full = await deliveries.findById(d._id).lean<DeliveryDoc>();
        if (full) claimed.push(toDelivery(full));
      }
      return claimed;
    },
    async recordAttempt(id, set, attempt) {
      const { id: _ignored, attemptLog: _log, ...fields } = set as WebhookDelivery;
      // The worker holds the lease, so reading and writing back the (bounded) log is safe.
      const current = await deliveries.findById(id, { attemptLog: 1 }).lean<Pick<DeliveryDoc, 'attemptLog'>>();
      const attemptLog = [...(current?.attemptLog ?? []), attempt].slice(-MAX_LOG);
      await deliveries.updateOne({ _id: id }, { $set: { ...fields, attemptLog } });
      const d = await deliveries.findById(id).lean<DeliveryDoc>();
      return d ? toDelivery(d) : null;
    },
    async requeue(id, now) {
      const r = await deliveries.updateOne(
        { _id: id, status: { $ne: 'PENDING' } },
        { $set: { status: 'PENDING', nextAttemptAt: now, leaseUntil: now, attempts: 0 }, $inc: { replays: 1 } },
      );
      if (r.matchedCount !== 1) return null;
      const d = await deliveries.findById(id).lean<DeliveryDoc>();
      return d ? toDelivery(d) : null;
    },
  };
}
