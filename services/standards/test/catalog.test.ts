import { CatalogItemPublished, CatalogItemRetired, NATIONAL_PROVINCE } from '@creditbank/contracts';
import { OUTCOME_IMPORT_ROW_SCHEMA } from '@creditbank/credit-rules';
import { eventually, graphql, tokens } from '@creditbank/testing';
import { ITEM, ITEM_FIELDS, PUBLISH, RETIRE, UPSERT, startStandards, type StandardsHarness } from './harness';

let h: StandardsHarness;
const platform = () => tokens.platformAdmin('11');
const zj = () => tokens.centerAdmin('33');

beforeAll(async () => {
  h = await startStandards();
});

afterAll(async () => {
  await h?.stop();
});

const elec4 = {
  code: 'VSC-ELEC-G4',
  name: '电工（四级/中级工）职业技能等级证书',
  type: 'VOCATIONAL',
  subtype: 'SKILL_CERTIFICATE',
  level: 2,
  track: 'VSC-ELEC',
  field: '装备制造大类',
  hours: 150,
  standardCredits: 6,
  evidenceRequired: ['职业技能等级证书编号'],
};

type Item = Record<string, unknown> & { code: string; version: number; status: string };

async function upsert(input: Record<string, unknown>, token = platform()) {
  return (await h.ok<{ upsertCatalogItem: Item }>(UPSERT, { i: input }, token)).upsertCatalogItem;
}
async function publish(code: string, token = platform()) {
  return (await h.ok<{ publishCatalogItem: Item }>(PUBLISH, { c: code }, token)).publishCatalogItem;
}

describe('versions: DRAFT → PUBLISHED → RETIRED', () => {
  it('keeps drafts to editors, publishes with an event carrying every fact', async () => {
    const draft = await upsert(elec4);
    expect(draft).toMatchObject({ code: 'VSC-ELEC-G4', version: 1, status: 'DRAFT', scope: 'NATIONAL', province: null });
    // Not public yet: anonymous callers and other roles see nothing.
    expect((await h.gql<{ catalogItem: unknown }>(ITEM, { c: 'VSC-ELEC-G4' })).data?.catalogItem).toBeNull();
    expect((await h.gql<{ catalogItem: unknown }>(ITEM, { c: 'VSC-ELEC-G4' }, zj())).data?.catalogItem).toBeNull();
    expect((await h.gql<{ catalogItem: Item }>(ITEM, { c: 'vsc-elec-g4' }, platform())).data?.catalogItem.status).toBe('DRAFT');
    expect(h.tap.events(CatalogItemPublished.type)).toHaveLength(0);

    const published = await publish('VSC-ELEC-G4');
    expect(published).toMatchObject({ version: 1, status: 'PUBLISHED', supersededBy: null });
    const event = await eventually(() => {
      const [e] = h.tap.events(CatalogItemPublished.type).filter((x) => (x.data as { code: string }).code === 'VSC-ELEC-G4');
      if (!e) throw new Error('no event yet');
      return e;
    });
    expect(event.province).toBe(NATIONAL_PROVINCE);
    expect(event.data).toMatchObject({
      code: 'VSC-ELEC-G4',
      version: 1,
      scope: 'NATIONAL',
      province: null,
      title: elec4.name,
      type: 'VOCATIONAL',
      subtype: 'SKILL_CERTIFICATE',
      level: 2,
      track: 'VSC-ELEC',
      field: '装备制造大类',
      hours: 150,
      standardCredits: 6,
      validityYears: null,
      evidenceRequired: ['职业技能等级证书编号'],
      supersedesVersion: null,
    });
    expect((await h.gql<{ catalogItem: Item }>(ITEM, { c: 'VSC-ELEC-G4' })).data?.catalogItem).toMatchObject({
      status: 'PUBLISHED',
      version: 1,
    });
  });

  it('an edit of a published item is a new version; publishing it leaves the earlier version retrievable and unchanged', async () => {
    const before = await h.db.collection('catalog_items').findOne({ _id: 'VSC-ELEC-G4' as never });
    const v1Stored = (before?.['versions'] as Array<Record<string, unknown>>)[0]!;

    const draft2 = await upsert({ ...elec4, hours: 180, standardCredits: 7 });
    expect(draft2).toMatchObject({ version: 2, status: 'DRAFT', standardCredits: 7 });
    // The public still sees version 1.
    expect((await h.gql<{ catalogItem: Item }>(ITEM, { c: 'VSC-ELEC-G4' })).data?.catalogItem).toMatchObject({
      version: 1,
      standardCredits: 6,
    });

    const v2 = await publish('VSC-ELEC-G4');
    expect(v2).toMatchObject({ version: 2, status: 'PUBLISHED', standardCredits: 7 });
    const [e2] = await eventually(() => {
      const list = h.tap.events(CatalogItemPublished.type).filter((x) => (x.data as { version: number; code: string }).version === 2);
      if (!list.length) throw new Error('no event yet');
      return list;
    });
    expect(e2!.data).toMatchObject({ code: 'VSC-ELEC-G4', version: 2, supersedesVersion: 1, standardCredits: 7 });

    // An outcome recognised under version 1 still resolves it, by query and by entity key (code, version).
    const v1 = (await h.gql<{ catalogItem: Item }>(ITEM, { c: 'VSC-ELEC-G4', v: 1 })).data?.catalogItem;
    expect(v1).toMatchObject({ version: 1, standardCredits: 6, hours: 150, status: 'RETIRED', supersededBy: 2 });
    const entities = await graphql<{ _entities: Item[] }>(
      h.url,
      `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on CatalogItem {
              code
              version
              standardCredits
              hours
              status
            }
          }
        }
      `,
      {
        r: [
          { __typename: 'CatalogItem', code: 'VSC-ELEC-G4', version: 1 },
          { __typename: 'CatalogItem', code: 'VSC-ELEC-G4' },
        ],
      },
    );
    expect(entities.data?._entities).toEqual([
      { code: 'VSC-ELEC-G4', version: 1, standardCredits: 6, hours: 150, status: 'RETIRED' },
      { code: 'VSC-ELEC-G4', version: 2, standardCredits: 7, hours: 180, status: 'PUBLISHED' },
    ]);

    // In the database, every fact of version 1 is as it was published; only its lifecycle moved on.
    const after = await h.db.collection('catalog_items').findOne({ _id: 'VSC-ELEC-G4' as never });
    const v1After = (after?.['versions'] as Array<Record<string, unknown>>)[0]!;
    const lifecycle = ['status', 'retiredAt', 'retiredBy', 'retireReason', 'supersededBy', 'updatedAt'];
    const facts = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([k]) => !lifecycle.includes(k)));
    expect(facts(v1After)).toEqual(facts(v1Stored));

    const versions = await h.ok<{ catalogItem: { versions: Item[] } }>(
      `{ catalogItem(code: "VSC-ELEC-G4") { versions { version status } } }`,
    );
    expect(versions.catalogItem.versions).toEqual([
      { version: 2, status: 'PUBLISHED' },
      { version: 1, status: 'RETIRED' },
    ]);
  });

  it('retires the published version with a reason and an event', async () => {
    await upsert({ code: 'SF-OLD', name: '旧版安全课程', type: 'NON_ACADEMIC', subtype: 'SAFETY', level: 1, hours: 4 });
    await publish('SF-OLD');
    const r = await h.ok<{ retireCatalogItem: Item }>(RETIRE, { c: 'SF-OLD', r: '内容过时' }, platform());
    expect(r.retireCatalogItem).toMatchObject({ status: 'RETIRED', retireReason: '内容过时', version: 1 });
    await eventually(() =>
      expect(h.tap.events(CatalogItemRetired.type).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ code: 'SF-OLD', reason: '内容过时' }),
      ),
    );
    const again = await h.gql(RETIRE, { c: 'SF-OLD' }, platform());
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const publishNothing = await h.gql(PUBLISH, { c: 'SF-OLD' }, platform());
    expect(publishNothing.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });
});

describe('national and provincial items', () => {
  it('a centre admin maintains its province’s items, not national ones nor another province’s', async () => {
    const course = {
      code: '33-ZJOU-AGEC101',
      name: '农村经济管理',
      type: 'ACADEMIC',
      subtype: 'ACADEMIC_COURSE',
      level: 4,
      hours: 54,
      standardCredits: 3,
      field: '管理学',
    };
    expect(await upsert(course, zj())).toMatchObject({ scope: 'PROVINCIAL', province: '33', status: 'DRAFT' });
    expect(await publish('33-ZJOU-AGEC101', zj())).toMatchObject({ status: 'PUBLISHED' });
    const e = await eventually(() => {
      const found = h.tap.events(CatalogItemPublished.type).find((x) => (x.data as { code: string }).code === '33-ZJOU-AGEC101');
      if (!found) throw new Error('no event');
      return found;
    });
    expect(e.province).toBe('33');
    expect(e.data).toMatchObject({ scope: 'PROVINCIAL', province: '33' });

    for (const [input, token] of [
      [{ ...elec4, code: 'VSC-ELEC-G3', level: 3 }, zj()],
      [{ ...course, code: '44-GDOU-MKT101' }, zj()],
      [course, tokens.centerAdmin('44')],
      [course, tokens.expert('33')],
    ] as const) {
      const r = await h.gql(UPSERT, { i: input }, token);
      expect(r.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
    expect(await h.db.collection('catalog_items').countDocuments({ _id: { $in: ['VSC-ELEC-G3', '44-GDOU-MKT101'] } as never })).toBe(0);
  });

  it('refuses bad input naming the field, storing nothing', async () => {
    const r = await h.gql(UPSERT, { i: { ...elec4, code: 'VSC-BAD-1', subtype: 'ELDERLY_EDUCATION' } }, platform());
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subtype' });
    const level = await h.gql(UPSERT, { i: { ...elec4, code: 'VSC-BAD-1', level: 12 } }, platform());
    expect(level.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.level' });
    expect(await h.db.collection('catalog_items').countDocuments({ _id: 'VSC-BAD-1' as never })).toBe(0);
  });
});

describe('search and filters', () => {
  beforeAll(async () => {
    const items = [
      ['VSC-COOK-G5', '中式烹调师（五级/初级工）职业技能等级证书', 'VOCATIONAL', 'SKILL_CERTIFICATE', 1, 'VSC-COOK', '旅游大类'],
      ['VSC-COOK-G4', '中式烹调师（四级/中级工）职业技能等级证书', 'VOCATIONAL', 'SKILL_CERTIFICATE', 2, 'VSC-COOK', '旅游大类'],
      ['VSC-COOK-G3', '中式烹调师（三级/高级工）职业技能等级证书', 'VOCATIONAL', 'SKILL_CERTIFICATE', 3, 'VSC-COOK', '旅游大类'],
      ['EE-TAICHI', '太极拳（二十四式）', 'NON_ACADEMIC', 'ELDERLY_EDUCATION', 1, null, '体育健身'],
      ['CE-SMARTPHONE', '智能手机应用', 'NON_ACADEMIC', 'COMMUNITY_EDUCATION', 1, null, '信息技术'],
    ] as const;
    for (const [code, name, type, subtype, level, track, field] of items) {
      await upsert({ code, name, type, subtype, level, track, field, hours: 20 });
      await publish(code);
    }
    await upsert({
      code: 'VSC-COOK-G2',
      name: '中式烹调师（二级/技师）',
      type: 'VOCATIONAL',
      subtype: 'SKILL_CERTIFICATE',
      level: 4,
      track: 'VSC-COOK',
    });
  });

  const LIST = `query($f: CatalogFilter, $first: Int, $after: String) {
    catalogItems(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code level status } } }
  }`;
  type List = { catalogItems: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: Item }> } };
  const codes = async (f: Record<string, unknown>, token?: string) =>
    (await h.ok<List>(LIST, { f }, token)).catalogItems.edges.map((e) => e.node.code);

  it.each([
    [{ track: 'VSC-COOK' }, ['VSC-COOK-G3', 'VSC-COOK-G4', 'VSC-COOK-G5']],
    [{ track: 'vsc-cook', level: 2 }, ['VSC-COOK-G4']],
    [{ type: 'NON_ACADEMIC', subtype: 'ELDERLY_EDUCATION' }, ['EE-TAICHI']],
    [{ field: '信息技术' }, ['CE-SMARTPHONE']],
    [{ search: '太极' }, ['EE-TAICHI']],
    [{ search: 'smartphone' }, ['CE-SMARTPHONE']],
    [{ status: 'RETIRED' }, ['SF-OLD']],
    [{ scope: 'PROVINCIAL' }, ['33-ZJOU-AGEC101']],
    [{ province: '44', type: 'ACADEMIC' }, []],
    [{ province: '33', type: 'ACADEMIC' }, ['33-ZJOU-AGEC101']],
  ])('%j', async (f, expected) => {
    expect(await codes(f)).toEqual(expected);
  });

  it('lists drafts only to those who may edit them', async () => {
    expect(await codes({ status: 'DRAFT' })).toEqual([]);
    expect(await codes({ status: 'DRAFT' }, zj())).toEqual([]);
    expect(await codes({ status: 'DRAFT' }, platform())).toEqual(['VSC-COOK-G2']);
  });

  it('pages with cursors and a total', async () => {
    const first = await h.ok<List>(LIST, { f: { track: 'VSC-COOK' }, first: 2 });
    expect(first.catalogItems.totalCount).toBe(3);
    expect(first.catalogItems.pageInfo.hasNextPage).toBe(true);
    const next = await h.ok<List>(LIST, { f: { track: 'VSC-COOK' }, first: 2, after: first.catalogItems.pageInfo.endCursor });
    expect(next.catalogItems.edges.map((e) => e.node.code)).toEqual(['VSC-COOK-G5']);
    expect(next.catalogItems.pageInfo.hasNextPage).toBe(false);
    const bad = await h.gql(LIST, { f: { status: 'ARCHIVED' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.status' });
  });
});

describe('reference data', () => {
  it('serves the qualification framework (configurable by PLATFORM_ADMIN) and the subtypes', async () => {
    const d = await h.ok<{
      qualificationLevels: Array<{ level: number; vocationalEquivalent: string | null }>;
      catalogSubtypes: Array<{ code: string; type: string }>;
    }>(`{ qualificationLevels { level name vocationalEquivalent } catalogSubtypes { code type name } }`);
    expect(d.qualificationLevels.map((l) => l.level)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(d.qualificationLevels[0]!.vocationalEquivalent).toBe('五级/初级工');
    expect(d.catalogSubtypes).toContainEqual(expect.objectContaining({ code: 'SKILL_CERTIFICATE', type: 'VOCATIONAL' }));

    const LEVEL = `mutation($i: QualificationLevelInput!) { upsertQualificationLevel(input: $i) { level name } }`;
    const input = { level: 8, name: '八级（示例）', descriptor: '扩展等级' };
    expect((await h.gql(LEVEL, { i: input }, zj())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    await h.ok(LEVEL, { i: input }, platform());
    await h.ok(LEVEL, { i: { level: 1, name: '一级', descriptor: '入门', vocationalEquivalent: '五级/初级工' } }, platform());
    const after = await h.ok<{ qualificationLevels: Array<{ level: number; name: string }> }>(`{ qualificationLevels { level name } }`);
    expect(after.qualificationLevels.map((l) => l.level)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(after.qualificationLevels[0]!.name).toBe('一级');
    const item = await h.ok<{ catalogItem: { qualificationLevel: { name: string } } }>(
      `{ catalogItem(code: "VSC-COOK-G4") { qualificationLevel { level name } } }`,
    );
    expect(item.catalogItem.qualificationLevel.name).toBe('二级（基础）');
  });

  it('publishes the import data standard', async () => {
    const d = await h.ok<{ outcomeImportSchema: unknown }>(`{ outcomeImportSchema }`);
    expect(d.outcomeImportSchema).toEqual(JSON.parse(JSON.stringify(OUTCOME_IMPORT_ROW_SCHEMA)));
  });

  it('exposes every item field', async () => {
    const d = await h.ok<{ catalogItem: Item }>(`{ catalogItem(code: "VSC-ELEC-G4") { ${ITEM_FIELDS} description publishedAt } }`);
    expect(d.catalogItem).toMatchObject({ evidenceRequired: ['职业技能等级证书编号'], validityYears: null });
  });
});
