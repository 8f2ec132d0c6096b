import type { GeoPoint } from './service-node';

/** Great-circle distances on a spherical Earth (mean radius), and search boxes around a point. */
export const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Haversine distance in kilometres. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Half the Earth's circumference: no two points are farther apart. */
export const MAX_DISTANCE_KM = Math.PI * EARTH_RADIUS_KM;

export interface LngRange {
  min: number;
  max: number;
}

/** A latitude range and one or two longitude ranges (two when the box crosses the antimeridian). */
export interface GeoBox {
  minLat: number;
  maxLat: number;
  /** Empty: every longitude (the circle contains a pole). */
  lng: LngRange[];
}

/**
 * The smallest lat/lng box containing every point within `radiusKm` of `center` (exact for a sphere:
 * the longitude half-width is asin(sin δ / cos φ), not δ / cos φ, which is too narrow).
 */
export function boundingBox(center: GeoPoint, radiusKm: number): GeoBox {
  const delta = radiusKm / EARTH_RADIUS_KM; // angular radius
  const lat = center.lat * RAD;
  let minLat = lat - delta;
  let maxLat = lat + delta;
  if (delta >= Math.PI || minLat <= -Math.PI / 2 || maxLat >= Math.PI / 2) {
    minLat = Math.max(minLat, -Math.PI / 2);
    maxLat = Math.min(maxLat, Math.PI / 2);
    return { minLat: minLat / RAD, maxLat: maxLat / RAD, lng: [] };
  }
  const dLng = Math.asin(Math.min(1, Math.sin(delta) / Math.cos(lat))) / RAD;
  const lo = center.lng - dLng;
  const hi = center.lng + dLng;
  let lng: LngRange[];
  if (dLng >= 180) lng = [];
  else if (lo < -180)
    lng = [
      { min: lo + 360, max: 180 },
      { min: -180, max: hi },
    ];
  else if (hi > 180)
    lng = [
      { min: lo, max: 180 },
      { min: -180, max: hi - 360 },
    ];
  else lng = [{ min: lo, max: hi }];
  return { minLat: minLat / RAD, maxLat: maxLat / RAD, lng };
}

export function inBox(p: GeoPoint, box: GeoBox): boolean {
  return p.lat >= box.minLat && p.lat <= box.maxLat && (box.lng.length === 0 || box.lng.some((r) => p.lng >= r.min && p.lng <= r.max));
}
