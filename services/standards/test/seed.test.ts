import { CatalogItemPublished, CreditStandardPublished } from '@creditbank/contracts';
import { eventually } from '@creditbank/testing';
import { runSeed } from '../src/seed-standards';
import { DEMO_CATALOG } from '../src/use-cases/demo-standards';
import { startStandards, type StandardsHarness } from './harness';

let h: StandardsHarness;

beforeAll(async () => {
  h = await startStandards();
});

afterAll(async () => {
  await h?.stop();
});

const PREVIEW = `query($i: CreditPreviewInput!) { creditPreview(input: $i) { credits points basis } }`;

/**
 * What the seed emitted: events still waiting in the outbox plus those the relay already published
 * (the union does not depend on how fast the relay drains), by id → type.
 */
async function emitted(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of ['catalog_items', 'credit_standards']) {
    const docs = await h.db
      .collection(c)
      .find({ _outboxCount: { $gt: 0 } }, { projection: { _outbox: 1 } })
      .toArray();
    for (const d of docs)
      for (const entry of Object.values((d['_outbox'] ?? {}) as Record<string, { id: string; value: string }>))
        out.set(entry.id, (JSON.parse(entry.value) as { type: string }).type);
  }
  for (const e of h.tap.events()) out.set(e.id, e.type);
  return out;
}
const countOf = (m: Map<string, string>, type: string) => [...m.values()].filter((t) => t === type).length;

it('seeds the demo standards idempotently, through the outbox', async () => {
  const first = await runSeed(h.env);
  expect(first.itemsPublished).toHaveLength(DEMO_CATALOG.length);
  expect(first.standardsPublished).toEqual([
    { province: '33', version: 1 },
    { province: '44', version: 1 },
  ]);
  const events = await eventually(async () => {
    const m = await emitted();
    expect(countOf(m, CatalogItemPublished.type)).toBe(DEMO_CATALOG.length);
    expect(countOf(m, CreditStandardPublished.type)).toBe(2);
    return m;
  });
  // The running service's relay publishes what the script left in the outbox.
  await eventually(() => expect(h.tap.events(CatalogItemPublished.type).length).toBeGreaterThan(0), { timeoutMs: 30_000 });

  const again = await runSeed(h.env);
  expect(again).toMatchObject({
    itemsPublished: [],
    itemsSkipped: [],
    itemsUnchanged: DEMO_CATALOG.length,
    standardsPublished: [],
    standardsKept: ['33', '44'],
  });
  // Nothing new was emitted by the second run.
  const after = await emitted();
  expect([...after.keys()].filter((id) => !events.has(id))).toEqual([]);
  expect(await h.db.collection('credit_standards').countDocuments()).toBe(2);

  // Six occupations at five skill levels each, as tracks.
  const tracks = await h.ok<{ catalogItems: { totalCount: number; edges: Array<{ node: { level: number } }> } }>(
    `{ catalogItems(filter: { track: "VSC-ELDERCARE" }) { totalCount edges { node { level } } } }`,
  );
  expect(tracks.catalogItems.totalCount).toBe(5);
  const skills = await h.ok<{ catalogItems: { totalCount: number } }>(
    `{ catalogItems(filter: { subtype: "SKILL_CERTIFICATE" }) { totalCount } }`,
  );
  expect(skills.catalogItems.totalCount).toBe(30);
  const gdAcademic = await h.ok<{ catalogItems: { totalCount: number } }>(
    `{ catalogItems(filter: { type: ACADEMIC, province: "44" }) { totalCount } }`,
  );
  expect(gdAcademic.catalogItems.totalCount).toBe(6);

  // The default standards differ by province (hours per credit, points per credit).
  expect(
    (await h.ok<{ creditPreview: unknown }>(PREVIEW, { i: { province: '33', catalogItemCode: 'VSC-ELEC-G4' } })).creditPreview,
  ).toEqual({
    credits: 6,
    points: 600,
    basis: 'LEVEL_TABLE',
  });
  expect((await h.ok<{ creditPreview: unknown }>(PREVIEW, { i: { province: '44', catalogItemCode: 'VT-DRONE' } })).creditPreview).toEqual({
    credits: 3,
    points: 240,
    basis: 'PER_HOURS',
  });
  expect(
    (await h.ok<{ creditPreview: unknown }>(PREVIEW, { i: { province: '33', catalogItemCode: '33-ZJOU-AGEC101', score: 85 } }))
      .creditPreview,
  ).toEqual({
    credits: 3,
    points: 300,
    basis: 'DECLARED',
  });
});
