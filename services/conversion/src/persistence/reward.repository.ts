import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { TenantScope } from '@creditbank/kernel';
import type { HoldResult, RewardItem, RewardStore, StaleHold } from '../use-cases/ports';

export const REWARD_ITEMS_COLLECTION = 'reward_items';

/**
 * The provincial reward catalogue (`_id: <province>:<code>`). Stock is taken per redemption with a
 * version check and remembered under `holds.<redemptionId>` (quantity, account, time) so a retried
 * redemption never takes it twice and one that never finished can be found; stock never goes below zero.
 */
type HoldEntry = { q: number; accountNo: string; at: Date };
/** A bare number is a hold written before holds named their account (nothing to check it against). */
type ItemDoc = Omit<RewardItem, never> & { _id: string; version: number; holds: Record<string, number | HoldEntry> };
const quantityOf = (h: number | HoldEntry): number => (typeof h === 'number' ? h : h.q);

const itemSchema = new Schema<ItemDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    code: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    pointsCost: { type: Number, required: true },
    stock: { type: Number, required: true },
    active: { type: Boolean, default: true },
    updatedAt: Date,
    updatedBy: String,
    version: { type: Number, required: true },
    holds: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: REWARD_ITEMS_COLLECTION, versionKey: false, minimize: false },
);
itemSchema.index({ province: 1, code: 1 });

const toItem = (d: ItemDoc): RewardItem => ({
  province: d.province,
  code: d.code,
  name: d.name,
  kind: d.kind,
  pointsCost: d.pointsCost,
  stock: d.stock,
  active: d.active,
  updatedAt: d.updatedAt,
  updatedBy: d.updatedBy,
});
const idOf = (province: string, code: string) => `${province}:${code}`;

export function createRewardRepository(connection: Connection): RewardStore {
  const items = connection.model<ItemDoc>('RewardItem', itemSchema);
  const load = (province: string, code: string) => items.findById(idOf(province, code)).lean<ItemDoc>();

  /** Apply `change` to the current document with a version check, retrying on races. */
  async function cas(province: string, code: string, change: (d: ItemDoc) => Record<string, unknown> | null): Promise<ItemDoc | null> {
    for (let i = 0; i < 200; i++) {
      const d = await load(province, code);
      if (!d) return null;
      const update = change(d);
      if (!update) return d;
      const r = await items.updateOne({ _id: d._id, version: d.version }, update);
      if (r.modifiedCount === 1) return d;
      await new Promise((res) => setTimeout(res, Math.random() * 5 * Math.min(i + 1, 10)));
    }
    throw new Error('reward item is too busy');
  }

  return {
    async get(province, code) {
      const d = await load(province, code);
      return d ? toItem(d) : null;
    },
    async list(scope) {
      const filter = 'all' in scope ? {} : { province: scope.province };
      return (await items.find(filter).sort({ province: 1, code: 1 }).limit(500).lean<ItemDoc[]>()).map(toItem);
    },
    async upsert(item) {
      const id = idOf(item.province, item.code);
      const fields = {
        name: item.name,
        kind: item.kind,
        pointsCost: item.pointsCost,
        stock: item.stock,
        active: item.active,
        updatedAt: item.updatedAt,
        updatedBy: item.updatedBy,
      };
      const r = await items.updateOne({ _id: id }, { $set: fields, $inc: { version: 1 } });
      if (r.matchedCount === 0) {
        try {
          await items.collection.insertOne({
            _id: id,
            province: item.province,
            code: item.code,
            ...fields,
            version: 1,
            holds: {},
          } as never);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          await items.updateOne({ _id: id }, { $set: fields, $inc: { version: 1 } });
        }
      }
      return toItem((await load(item.province, item.code))!);
    },
    async hold(province, code, redemptionId, quantity, holder) {
      let result: HoldResult = 'MISSING';
      await cas(province, code, (d) => {
        if (d.holds?.[redemptionId] !== undefined) {
          result = 'ALREADY_HELD';
          return null;
        }
        if (d.stock < quantity) {
          result = 'OUT_OF_STOCK';
          return null;
        }
        result = 'HELD';
        const entry: HoldEntry = { q: quantity, accountNo: holder.accountNo, at: holder.at };
        return { $inc: { stock: -quantity, version: 1 }, $set: { [`holds.${redemptionId}`]: entry } };
      });
      return result;
    },
    async release(province, code, redemptionId) {
      await cas(province, code, (d) => {
        const h = d.holds?.[redemptionId];
        if (h === undefined) return null;
        return { $inc: { stock: quantityOf(h), version: 1 }, $unset: { [`holds.${redemptionId}`]: '' } };
      });
    },
    async staleHolds(scope: TenantScope, olderThan: Date, limit: number): Promise<StaleHold[]> {
      // The catalogue is small (≤ 500 items a province); holds live only while a redemption is in flight.
      const filter = 'all' in scope ? {} : { province: scope.province };
      const docs = await items.find(filter, { province: 1, code: 1, holds: 1 }).lean<Array<Pick<ItemDoc, 'province' | 'code' | 'holds'>>>();
      const stale: StaleHold[] = [];
      for (const d of docs)
        for (const [redemptionId, h] of Object.entries(d.holds ?? {}))
          if (typeof h !== 'number' && new Date(h.at) < olderThan)
            stale.push({ province: d.province, code: d.code, redemptionId, accountNo: h.accountNo, quantity: h.q, heldAt: new Date(h.at) });
      return stale.sort((a, b) => a.heldAt.getTime() - b.heldAt.getTime()).slice(0, limit);
    },
    async settle(province, code, redemptionId) {
      await items.updateOne({ _id: idOf(province, code) }, { $unset: { [`holds.${redemptionId}`]: '' } });
    },
  };
}
