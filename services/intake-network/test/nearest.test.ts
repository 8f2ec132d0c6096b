import { ServiceNodeOpened } from '@creditbank/contracts';
import { graphql, tokens } from '@creditbank/testing';
import { distanceKm } from '../src/domain/geo';
import { startNetwork, type NetworkHarness } from './harness';

/**
 * The demo generator builds Zhejiang's real network (1,629 intake points at the 2023 townships), and
 * nearestIntakePoints answers exactly what a brute-force scan over every ACTIVE point answers.
 *
 * This process does not relay its outbox (OUTBOX_RELAY_ENABLED=false, as a read replica would run):
 * publishing 1,731 events and clearing them takes FerretDB about a minute of serialised writes, which
 * would only blur the latency figures. The events are asserted in the outbox here, and on Kafka for
 * a smaller province in network.test.ts.
 */
let h: NetworkHarness;
let seedMs = 0;

beforeAll(async () => {
  h = await startNetwork({ OUTBOX_RELAY_ENABLED: 'false' });
  const t0 = Date.now();
  const result = await h.seed('33');
  seedMs = Date.now() - t0;
  expect(result).toMatchObject({ planned: { CENTER: 1, BRANCH: 11, SUBCENTER: 90, INTAKE_POINT: 1629 }, inserted: 1731, existing: 0 });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

type Point = { _id: string; location: { lat: number; lng: number } };

it('is idempotent, and every node is opened with its event in the outbox', async () => {
  const pending = async () =>
    (await h.db
      .collection('service_nodes')
      .aggregate([{ $group: { _id: null, n: { $sum: '$_outboxCount' } } }])
      .toArray()) as Array<{ n: number }>;
  expect((await pending())[0]?.n).toBe(1731);
  const again = await h.seed('33');
  expect(again).toMatchObject({ inserted: 0, existing: 1731 });
  expect((await pending())[0]?.n).toBe(1731); // no second event for anything
  const doc = await h.db.collection('service_nodes').findOne({ _id: 'sn-330106013' as never });
  const [entry] = Object.values(doc?.['_outbox'] as Record<string, { value: string; key: string }>);
  expect(entry!.key).toBe('sn-330106013');
  const event = JSON.parse(entry!.value) as { type: string; data: Record<string, unknown> };
  expect(event.type).toBe(ServiceNodeOpened.type);
  expect(event.data).toMatchObject({ kind: 'INTAKE_POINT', adminDivision: '330106013', parentId: 'sn-330106', openedBy: 'system' });
  expect(await h.db.collection('intake_point_positions').countDocuments({ active: true })).toBe(1629);
  console.info(`seeded 1,731 nodes in ${seedMs} ms`);
}, 120_000);

it('matches a brute-force great-circle oracle on the generated Zhejiang network', async () => {
  // Suspended points drop out of the answers: two suspended properly, one behind the index's back
  // (as if the service crashed between the node write and the index write).
  const suspended = ['sn-330106013', 'sn-330102001', 'sn-330782001'];
  for (const id of suspended.slice(0, 2)) {
    const r = await h.gql(
      `mutation($id: ID!) { suspendServiceNode(id: $id, reason: "场地维修") { status } }`,
      { id },
      tokens.centerAdmin(),
    );
    expect(r.errors).toBeUndefined();
  }
  await h.db
    .collection('service_nodes')
    .updateOne({ _id: suspended[2] as never }, { $set: { status: 'SUSPENDED', updatedAt: new Date() } });
  const all = (await h.db
    .collection('service_nodes')
    .find({ kind: 'INTAKE_POINT', status: 'ACTIVE' }, { projection: { location: 1 } })
    .toArray()) as unknown as Point[];
  expect(all).toHaveLength(1626);
  const oracle = (lat: number, lng: number, limit: number) =>
    all
      .map((p) => ({ id: p._id, d: distanceKm({ lat, lng }, p.location) }))
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
      .slice(0, limit);

  // Town centres, open country, the coast, a Zhoushan island, and places outside the province.
  const probes: Array<[number, number, number]> = [
    [30.2741, 120.1551, 5],
    [30.2905, 120.1044, 1],
    [29.0791, 119.6474, 10],
    [28.0, 120.7, 20],
    [29.99, 122.2, 8],
    [30.95, 118.9, 5],
    [27.2, 119.6, 3],
    [28.6, 121.9, 50],
    [31.23, 121.47, 5], // Shanghai: the nearest are across the border
    [39.9, 116.4, 2], // Beijing: far away, still answered
  ];
  const latencies: number[] = [];
  for (const [lat, lng, limit] of probes) {
    const t0 = performance.now();
    const r = await h.gql<{ nearestIntakePoints: Array<{ id: string; status: string; distanceKm: number }> }>(
      `query($lat: Float!, $lng: Float!, $limit: Int) { nearestIntakePoints(lat: $lat, lng: $lng, limit: $limit) { id status distanceKm(lat: $lat, lng: $lng) } }`,
      { lat, lng, limit },
    );
    latencies.push(performance.now() - t0);
    expect(r.errors).toBeUndefined();
    const got = r.data!.nearestIntakePoints;
    const want = oracle(lat, lng, limit);
    expect(got.map((g) => g.id)).toEqual(want.map((w) => w.id));
    got.forEach((g, i) => expect(g.distanceKm).toBeCloseTo(want[i]!.d, 2));
    expect(got.every((g) => g.status === 'ACTIVE' && !suspended.includes(g.id))).toBe(true);
  }
  latencies.sort((a, b) => a - b);
  console.info(
    `nearestIntakePoints on ${all.length} points: median ${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} ms, max ${latencies[latencies.length - 1]!.toFixed(0)} ms (${probes.length} queries)`,
  );
}, 120_000);

it('is public, validates its arguments, and keeps the limit', async () => {
  const q = `query($lat: Float!, $lng: Float!, $limit: Int) { nearestIntakePoints(lat: $lat, lng: $lng, limit: $limit) { id } }`;
  expect((await graphql<{ nearestIntakePoints: unknown[] }>(h.url, q, { lat: 30.27, lng: 120.15 })).data?.nearestIntakePoints).toHaveLength(
    5,
  );
  for (const [vars, field] of [
    [{ lat: 91, lng: 120 }, 'lat'],
    [{ lat: 30, lng: -181 }, 'lng'],
    [{ lat: 30, lng: 120, limit: 51 }, 'limit'],
  ] as const) {
    const r = await h.gql(q, vars);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
});

it('lists the network directory: filters, division prefixes, name search, paging, parents and children', async () => {
  const list = await h.gql<{
    serviceNodes: { totalCount: number; edges: Array<{ node: { id: string; parent: { id: string } } }>; pageInfo: { endCursor: string } };
  }>(
    `{ serviceNodes(filter: { kind: INTAKE_POINT, divisionPrefix: "330106" }, first: 5) { totalCount edges { node { id parent { id } } } pageInfo { hasNextPage endCursor } } }`,
  );
  expect(list.data?.serviceNodes.totalCount).toBeGreaterThanOrEqual(12);
  expect(list.data?.serviceNodes.edges.every((e) => e.node.parent.id === 'sn-330106')).toBe(true);
  const next = await h.gql<{ serviceNodes: { edges: Array<{ node: { id: string } }> } }>(
    `query($a: String) { serviceNodes(filter: { kind: INTAKE_POINT, divisionPrefix: "330106" }, first: 5, after: $a) { edges { node { id } } } }`,
    { a: list.data?.serviceNodes.pageInfo.endCursor },
  );
  const firstIds = list.data!.serviceNodes.edges.map((e) => e.node.id);
  const nextIds = next.data!.serviceNodes.edges.map((e) => e.node.id);
  expect(nextIds).toHaveLength(5);
  expect(nextIds.some((id) => firstIds.includes(id))).toBe(false);
  expect([...firstIds, ...nextIds]).toEqual([...firstIds, ...nextIds].sort());

  const search = await h.gql<{ serviceNodes: { totalCount: number; edges: Array<{ node: { name: string } }> } }>(
    `{ serviceNodes(filter: { search: "文新" }) { totalCount edges { node { name } } } }`,
  );
  expect(search.data?.serviceNodes.edges.map((e) => e.node.name)).toContain('文新街道受理点');

  const tree = await h.gql<{ serviceNode: { children: Array<{ id: string; children: Array<{ id: string }> }> } }>(
    `{ serviceNode(id: "sn-3301") { kind name children { id kind children { id } } } }`,
  );
  const counties = tree.data!.serviceNode.children;
  expect(counties).toHaveLength(13);
  expect(counties.flatMap((c) => c.children).length).toBeGreaterThan(150);
});
