import { ALL_PROVINCES, BadInputError } from '@creditbank/kernel';
import { MAX_DISTANCE_KM, boundingBox, distanceKm } from '../domain/geo';
import type { GeoPoint, ServiceNode } from '../domain/service-node';
import type { IntakePointIndex, IntakePointState, PointPosition, ServiceNodeStore } from './ports';

export const DEFAULT_NEAREST = 5;
export const MAX_NEAREST = 50;
/**
 * First search radius, growing with the number asked for: in a province served like Zhejiang (one
 * point per ~65 km²) a 10·√limit km circle holds about 5·limit points, so one query is usually enough.
 */
const startRadiusKm = (limit: number) => 10 * Math.sqrt(limit);

export interface NearestPosition extends PointPosition {
  distanceKm: number;
}

/**
 * The `limit` nearest ACTIVE entries of the position index, by great-circle distance, without geo
 * indexes: query the indexed lat/lng box around a circle of radius r; every point inside the circle
 * is in the box, so once `limit` points lie within r they are exactly the nearest ones. Otherwise
 * widen r (by the observed density, at least doubling) and ask again, up to half the Earth's
 * circumference, where the box is everything. Ties are broken by id.
 */
export async function nearestPositions(
  index: Pick<IntakePointIndex, 'activeIn'>,
  lat: number,
  lng: number,
  limitArg: number | null | undefined,
): Promise<NearestPosition[]> {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new BadInputError('Latitude must be between -90 and 90', 'lat');
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw new BadInputError('Longitude must be between -180 and 180', 'lng');
  const limit = limitArg ?? DEFAULT_NEAREST;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_NEAREST) {
    throw new BadInputError(`limit must be an integer between 1 and ${MAX_NEAREST}`, 'limit');
  }
  const center: GeoPoint = { lat, lng };
  let radius = startRadiusKm(limit);
  for (;;) {
    const candidates = await index.activeIn(boundingBox(center, radius));
    const within = candidates
      .map((p) => ({ ...p, distanceKm: distanceKm(center, p) }))
      .filter((p) => radius >= MAX_DISTANCE_KM || p.distanceKm <= radius)
      .sort((a, b) => a.distanceKm - b.distanceKm || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (within.length >= limit || radius >= MAX_DISTANCE_KM) return within.slice(0, limit);
    // Expected count grows with the area: aim for about 1.5× the points still missing (far from
    // any point, jump by 8).
    const factor = within.length > 0 ? Math.sqrt((1.5 * limit) / within.length) : 8;
    radius = Math.min(MAX_DISTANCE_KM, radius * Math.max(2, Math.min(factor, 8)));
  }
}

const matches = (node: ServiceNode | undefined, p: PointPosition) =>
  !!node && node.kind === 'INTAKE_POINT' && node.status === 'ACTIVE' && node.location?.lat === p.lat && node.location?.lng === p.lng;

/** What the index should say about a node (or about an id with no node: nothing active). */
const stateOf = (id: string, node: ServiceNode | undefined): IntakePointState =>
  node
    ? { id, province: node.province, status: node.status, location: node.location, updatedAt: node.updatedAt }
    : { id, province: '00', status: 'CLOSED', location: null, updatedAt: new Date(8.64e15) };

/**
 * The nearest ACTIVE intake points, checked against the nodes themselves: an index entry that no
 * longer matches its node (left by a crash between a node write and its index write) is repaired and
 * the search runs again, so every answer is an ACTIVE intake point at its current place. Nearest
 * first, with the distance.
 */
export async function nearestIntakePoints(
  deps: { index: IntakePointIndex; nodes: Pick<ServiceNodeStore, 'findByIds'> },
  lat: number,
  lng: number,
  limit: number | null | undefined,
): Promise<Array<{ node: ServiceNode; distanceKm: number }>> {
  for (let attempt = 0; ; attempt++) {
    const wanted = await nearestPositions(deps.index, lat, lng, limit);
    const nodes = new Map(
      (
        await deps.nodes.findByIds(
          ALL_PROVINCES,
          wanted.map((w) => w.id),
        )
      ).map((n) => [n.id, n]),
    );
    const stale = wanted.filter((w) => !matches(nodes.get(w.id), w));
    if (stale.length === 0 || attempt === 2) {
      return wanted.filter((w) => matches(nodes.get(w.id), w)).map((w) => ({ node: nodes.get(w.id)!, distanceKm: w.distanceKm }));
    }
    await deps.index.sync(stale.map((w) => stateOf(w.id, nodes.get(w.id))));
  }
}
