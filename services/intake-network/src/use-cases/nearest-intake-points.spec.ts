import { distanceKm, inBox } from '../domain/geo';
import { nearestIntakePoints, nearestPositions } from './nearest-intake-points.use-case';
import type { ServiceNode } from '../domain/service-node';
import type { IntakePointState } from './ports';
import type { PointPosition } from './ports';

/** A deterministic pseudo-random sequence. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe('nearest intake points (in memory, against a brute-force oracle)', () => {
  const random = rng(42);
  // A clustered network like a province's, plus a few far-away points.
  const points: PointPosition[] = Array.from({ length: 3000 }, (_, i) => ({
    id: `p${i}`,
    lat: 27 + random() * 4,
    lng: 118 + random() * 5,
  }));
  points.push({ id: 'far-1', lat: -33.9, lng: 151.2 }, { id: 'far-2', lat: 64.1, lng: -21.9 }, { id: 'dateline', lat: 0, lng: 179.99 });
  let queries = 0;
  const store = {
    async activeIn(box: Parameters<typeof inBox>[1]) {
      queries++;
      return points.filter((p) => inBox(p, box));
    },
  };
  const oracle = (lat: number, lng: number, limit: number) =>
    points
      .map((p) => ({ id: p.id, d: distanceKm({ lat, lng }, p) }))
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
      .slice(0, limit);

  it('returns exactly the k nearest for points inside, at the edge of and far from the network', async () => {
    const probes: Array<[number, number, number]> = [];
    for (let i = 0; i < 60; i++) probes.push([26 + random() * 6, 117 + random() * 7, 1 + Math.floor(random() * 50)]);
    probes.push([0, -179.99, 3], [90, 0, 5], [-90, 10, 50], [30, 120, 50]);
    for (const [lat, lng, limit] of probes) {
      const got = await nearestPositions(store, lat, lng, limit);
      const want = oracle(lat, lng, limit);
      expect(got.map((g) => g.distanceKm)).toEqual(want.map((w) => w.d));
      expect(got.map((g) => g.id)).toEqual(want.map((w) => w.id));
    }
  });

  it('needs few box queries inside the network', async () => {
    queries = 0;
    for (let i = 0; i < 50; i++) await nearestPositions(store, 28 + random() * 2, 119 + random() * 3, 5);
    expect(queries / 50).toBeLessThan(2.5);
  });

  it('validates its arguments', async () => {
    await expect(nearestPositions(store, 91, 0, 5)).rejects.toMatchObject({ details: { field: 'lat' } });
    await expect(nearestPositions(store, 0, 181, 5)).rejects.toMatchObject({ details: { field: 'lng' } });
    await expect(nearestPositions(store, 0, 0, 51)).rejects.toMatchObject({ details: { field: 'limit' } });
    await expect(nearestPositions(store, 0, 0, 0)).rejects.toMatchObject({ details: { field: 'limit' } });
    expect(await nearestPositions({ activeIn: async () => [] }, 30, 120, 5)).toEqual([]);
  });
});

describe('nearest intake points, checked against the nodes', () => {
  const at = new Date('2026-11-01T00:00:00Z');
  const node = (id: string, lat: number, lng: number, status: ServiceNode['status'] = 'ACTIVE'): ServiceNode =>
    ({ id, kind: 'INTAKE_POINT', province: '33', status, location: { lat, lng }, updatedAt: at }) as ServiceNode;

  it('repairs index entries that no longer match their node and answers from the nodes', async () => {
    const nodes = new Map([
      ['a', node('a', 30.0, 120.0, 'SUSPENDED')], // suspended behind the index's back
      ['b', node('b', 30.5, 120.5)], // moved: the index still has it at 30.01
      ['c', node('c', 30.02, 120.02)],
      ['d', node('d', 30.03, 120.03)],
    ]);
    const entries = new Map<string, PointPosition & { active: boolean }>([
      ['a', { id: 'a', lat: 30.0, lng: 120.0, active: true }],
      ['b', { id: 'b', lat: 30.01, lng: 120.01, active: true }],
      ['c', { id: 'c', lat: 30.02, lng: 120.02, active: true }],
      ['d', { id: 'd', lat: 30.03, lng: 120.03, active: true }],
      ['gone', { id: 'gone', lat: 30.0, lng: 120.0, active: true }], // no node at all
    ]);
    const synced: IntakePointState[] = [];
    const index = {
      async activeIn(box: Parameters<typeof inBox>[1]) {
        return [...entries.values()].filter((e) => e.active && inBox(e, box));
      },
      async sync(points: readonly IntakePointState[]) {
        for (const p of points) {
          synced.push(p);
          entries.set(p.id, {
            id: p.id,
            lat: p.location?.lat ?? 0,
            lng: p.location?.lng ?? 0,
            active: p.status === 'ACTIVE' && !!p.location,
          });
        }
      },
      async all() {
        return [];
      },
    };
    const store = {
      findByIds: async (_s: unknown, ids: readonly string[]) => ids.flatMap((id) => (nodes.has(id) ? [nodes.get(id)!] : [])),
    };
    const got = await nearestIntakePoints({ index, nodes: store }, 30.0, 120.0, 2);
    expect(got.map((g) => g.node.id)).toEqual(['c', 'd']);
    expect(synced.map((s) => s.id).sort()).toEqual(['a', 'b', 'gone']);
    expect(entries.get('b')).toMatchObject({ lat: 30.5, active: true });
  });
});
