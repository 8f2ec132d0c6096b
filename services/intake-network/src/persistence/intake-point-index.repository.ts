import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import type { GeoBox } from '../domain/geo';
import type { IntakePointIndex, IntakePointState, PointPosition } from '../use-cases/ports';

export const INTAKE_POINT_INDEX_COLLECTION = 'intake_point_positions';

/** One small document per intake point: where it is, whether it is ACTIVE, as of the node's updatedAt. */
type PositionDoc = { _id: string; province: string; lat: number | null; lng: number | null; active: boolean; at: Date };

const positionSchema = new Schema<PositionDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    lat: { type: Number, default: null },
    lng: { type: Number, default: null },
    active: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  { collection: INTAKE_POINT_INDEX_COLLECTION, versionKey: false },
);
// The bounding-box search: equality on `active`, a range on lat, lng checked within it.
positionSchema.index({ active: 1, lat: 1, lng: 1 });

const toDoc = (p: IntakePointState): PositionDoc => ({
  _id: p.id,
  province: p.province,
  lat: p.location?.lat ?? null,
  lng: p.location?.lng ?? null,
  active: p.status === 'ACTIVE' && p.location !== null,
  at: p.updatedAt,
});

export function createIntakePointIndex(connection: Connection): IntakePointIndex {
  const positions = connection.model<PositionDoc>('IntakePointPosition', positionSchema);
  return {
    async sync(points) {
      if (points.length === 0) return;
      const docs = points.map(toDoc);
      // Look the entries up first (by _id: cheap everywhere), then insert the new ones in one
      // statement and replace only those that are older than the node state given (newer facts win).
      const ids = docs.map((d) => d._id);
      const existing =
        ids.length <= 20
          ? (await Promise.all(ids.map((id) => positions.findById(id, { at: 1 }).lean<Pick<PositionDoc, '_id' | 'at'>>()))).filter(
              (d): d is Pick<PositionDoc, '_id' | 'at'> => d !== null,
            )
          : await positions.find({ _id: { $in: ids } }, { at: 1 }).lean<Array<Pick<PositionDoc, '_id' | 'at'>>>();
      const known = new Map(existing.map((d) => [d._id, d.at.getTime()]));
      const fresh = docs.filter((d) => !known.has(d._id));
      const newer = docs.filter((d) => known.has(d._id) && (known.get(d._id) as number) < d.at.getTime());
      if (fresh.length) {
        try {
          await positions.insertMany(fresh, { ordered: false });
        } catch (error) {
          // Inserted concurrently by another writer: the update below (or the next reconciliation) decides.
          const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors ?? [];
          if (!isDuplicateKeyError(error) && (!writeErrors.length || writeErrors.some((w) => w.code !== 11000))) throw error;
          newer.push(...fresh);
        }
      }
      if (newer.length) {
        await positions.bulkWrite(
          newer.map(({ _id, ...set }) => ({ updateOne: { filter: { _id, at: { $lt: set.at } }, update: { $set: set } } })),
          { ordered: false },
        );
      }
    },
    async activeIn(box: GeoBox): Promise<PointPosition[]> {
      const filter: Record<string, unknown> = { active: true, lat: { $gte: box.minLat, $lte: box.maxLat } };
      if (box.lng.length === 1) filter['lng'] = { $gte: box.lng[0]!.min, $lte: box.lng[0]!.max };
      else if (box.lng.length === 2) filter['$or'] = box.lng.map((r) => ({ lng: { $gte: r.min, $lte: r.max } }));
      const docs = await positions.collection.find(filter, { projection: { _id: 1, lat: 1, lng: 1 } }).toArray();
      return docs.map((d) => ({ id: String(d['_id']), lat: d['lat'] as number, lng: d['lng'] as number }));
    },
    async all() {
      const docs = await positions.find({}).lean<PositionDoc[]>();
      return docs.map((d) => ({
        id: d._id,
        province: d.province,
        status: d.active ? 'ACTIVE' : 'SUSPENDED',
        location: d.lat === null || d.lng === null ? null : { lat: d.lat, lng: d.lng },
        updatedAt: d.at,
        active: d.active,
      }));
    },
  };
}
