import { MAX_DISTANCE_KM, boundingBox, distanceKm, inBox } from './geo';

/** Destination point from a start, a bearing and a distance on the sphere. */
function destination(lat: number, lng: number, bearingDeg: number, km: number) {
  const R = 6371.0088;
  const rad = Math.PI / 180;
  const d = km / R;
  const b = bearingDeg * rad;
  const la = lat * rad;
  const lat2 = Math.asin(Math.sin(la) * Math.cos(d) + Math.cos(la) * Math.sin(d) * Math.cos(b));
  const lng2 = lng * rad + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la), Math.cos(d) - Math.sin(la) * Math.sin(lat2));
  return { lat: lat2 / rad, lng: ((((lng2 / rad + 540) % 360) + 360) % 360) - 180 };
}

describe('great-circle distance', () => {
  it('matches known distances', () => {
    // One degree along a meridian is πR/180; Beijing – Shanghai is about 1,068 km.
    expect(distanceKm({ lat: 30, lng: 120 }, { lat: 31, lng: 120 })).toBeCloseTo(111.195, 3);
    // Agrees with the spherical law of cosines away from tiny distances.
    const a = { lat: 30.2741, lng: 120.1551 };
    const b = { lat: 29.8683, lng: 121.544 };
    const r = Math.PI / 180;
    const cosines =
      6371.0088 *
      Math.acos(Math.sin(a.lat * r) * Math.sin(b.lat * r) + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.cos((b.lng - a.lng) * r));
    expect(distanceKm(a, b)).toBeCloseTo(cosines, 6);
    expect(distanceKm({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 })).toBeGreaterThan(1060);
    expect(distanceKm({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 })).toBeLessThan(1075);
    expect(distanceKm({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBeCloseTo(MAX_DISTANCE_KM, 6);
    expect(distanceKm({ lat: 10, lng: 20 }, { lat: 10, lng: 20 })).toBe(0);
  });
});

describe('bounding box', () => {
  it('contains every point of the circle, at any latitude and bearing', () => {
    for (const lat of [0, 30.27, 53.5, -45, 80, 89.5]) {
      for (const radius of [1, 8, 50, 500, 3000]) {
        const box = boundingBox({ lat, lng: 120 }, radius);
        for (let bearing = 0; bearing < 360; bearing += 5) {
          for (const f of [0.5, 0.999]) {
            const p = destination(lat, 120, bearing, radius * f);
            expect({ lat, radius, bearing, inside: inBox(p, box) }).toEqual({ lat, radius, bearing, inside: true });
          }
        }
      }
    }
  });

  it('is not much bigger than needed (the longitude half-width is asin(sin δ / cos φ))', () => {
    const box = boundingBox({ lat: 30, lng: 120 }, 100);
    const east = destination(30, 120, 90, 100);
    expect(box.lng[0]!.max - 120).toBeGreaterThanOrEqual(east.lng - 120 - 1e-9);
    expect(box.lng[0]!.max - 120).toBeLessThan((east.lng - 120) * 1.01);
  });

  it('splits at the antimeridian and opens up around the poles', () => {
    expect(boundingBox({ lat: 0, lng: 179.9 }, 100).lng).toHaveLength(2);
    expect(inBox(destination(0, 179.9, 90, 50), boundingBox({ lat: 0, lng: 179.9 }, 100))).toBe(true);
    expect(boundingBox({ lat: 89.9, lng: 0 }, 100).lng).toEqual([]);
    expect(boundingBox({ lat: 10, lng: 0 }, MAX_DISTANCE_KM)).toEqual({ minLat: -90, maxLat: 90, lng: [] });
  });
});
