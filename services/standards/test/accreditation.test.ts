import { randomUUID } from 'node:crypto';
import { InstitutionAccreditationSuspended, InstitutionAccredited, TOPICS } from '@creditbank/contracts';
import { makeUscc } from '@creditbank/identity';
import { makeAccountNo } from '@creditbank/kernel';
import { eventually, graphql, publishRaw, tokens } from '@creditbank/testing';
import { institutionEvent, startStandards, type StandardsHarness } from './harness';

let h: StandardsHarness;
const zj = () => tokens.centerAdmin('33');
const school = makeUscc('330106', 501);
const closed = makeUscc('330106', 502);
const cantonese = makeUscc('440106', 503);

beforeAll(async () => {
  h = await startStandards();
  await h.institution({ code: school, name: '西湖区职业技能培训学校' });
  await h.institution({ code: closed, name: '停办学校', status: 'DEREGISTERED' });
  await h.institution({ code: cantonese, name: '天河区社区学院', province: '44', adminDivision: '440106', category: 'NON_ACADEMIC' });
});

afterAll(async () => {
  await h?.stop();
});

const ACCREDIT = `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { institutionCode province status outcomeTypes bulkDeposit validUntil accreditedAt history { action reason } } }`;
const SUSPEND = `mutation($c: ID!, $r: String!) { suspendAccreditation(institutionCode: $c, reason: $r) { status suspendReason suspendedAt history { action reason } } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Institution { code accreditation { status outcomeTypes bulkDeposit validUntil } } } }`;
type Acc = {
  status: string;
  outcomeTypes: string[];
  bulkDeposit: boolean;
  validUntil: string;
  history: Array<{ action: string; reason: string | null }>;
};

const publish = (events: Array<ReturnType<typeof institutionEvent>>) =>
  publishRaw(
    h.ns.topicPrefix + TOPICS.account,
    events.map((e) => ({ key: e.key, value: JSON.stringify(e.event) })),
  );

describe('institutions learned from the account service', () => {
  it('applies each fact once: redelivery, duplicates and stale updates change nothing', async () => {
    const code = makeUscc('330108', 900);
    const registered = institutionEvent('registered', { code, name: '滨江区成人学校' }, '2026-11-01T08:00:00.000Z');
    const renamed = institutionEvent('updated', { code, name: '滨江区社区学院' }, '2026-11-10T08:00:00.000Z');
    const stale = institutionEvent('updated', { code, name: '旧名称', status: 'SUSPENDED' }, '2026-11-05T08:00:00.000Z');
    // The same registration twice (same event id: the inbox drops it), then a copy under a new id
    // (a producer retry after a crash: the projection drops it by its time), then out-of-order facts.
    const copy = institutionEvent('registered', { code, name: '滨江区成人学校' }, '2026-11-01T08:00:00.000Z', randomUUID());
    await publish([registered, registered, copy, renamed, stale, renamed]);
    await eventually(async () => {
      const doc = await h.db.collection('institutions').findOne({ _id: code as never });
      expect(doc).toMatchObject({ name: '滨江区社区学院', status: 'ACTIVE', province: '33' });
    });
    // Everything after it is processed too (a marker on the same partition key), and nothing moved back.
    const marker = institutionEvent('updated', { code, name: '滨江区社区学院' }, '2026-11-10T08:00:00.000Z', randomUUID());
    await publish([marker]);
    await eventually(async () => {
      expect(await h.db.collection('inbox').countDocuments({ _id: { $regex: `${marker.event.id}$` } as never })).toBe(1);
    });
    expect(await h.db.collection('institutions').findOne({ _id: code as never })).toMatchObject({
      name: '滨江区社区学院',
      status: 'ACTIVE',
      factAt: new Date('2026-11-10T08:00:00.000Z'),
    });
    expect(await h.db.collection('institutions').countDocuments({ _id: code as never })).toBe(1);
  });
});

describe('accreditation', () => {
  it('accredits an institution of the province with an event carrying the terms', async () => {
    const r = await h.ok<{ accreditInstitution: Acc }>(
      ACCREDIT,
      { i: { institutionCode: school, outcomeTypes: ['NON_ACADEMIC', 'VOCATIONAL'], bulkDeposit: true, validUntil: '2029-12-31' } },
      zj(),
    );
    expect(r.accreditInstitution).toMatchObject({
      status: 'ACTIVE',
      outcomeTypes: ['VOCATIONAL', 'NON_ACADEMIC'],
      bulkDeposit: true,
      validUntil: '2029-12-31T15:59:59.999Z',
      history: [{ action: 'ACCREDITED', reason: null }],
    });
    const event = await eventually(() => {
      const [e] = h.tap.events(InstitutionAccredited.type);
      if (!e) throw new Error('no event');
      return e;
    });
    expect(event.province).toBe('33');
    expect(event.data).toMatchObject({
      institutionCode: school,
      province: '33',
      status: 'ACTIVE',
      outcomeTypes: ['VOCATIONAL', 'NON_ACADEMIC'],
      bulkDeposit: true,
      validUntil: '2029-12-31T15:59:59.999Z',
      previousStatus: null,
    });
    const LIST = `query($f: AccreditationFilter) { accreditations(filter: $f) { totalCount } }`;
    const count = async (f: Record<string, unknown>) =>
      (await h.ok<{ accreditations: { totalCount: number } }>(LIST, { f }, zj())).accreditations.totalCount;
    expect(await count({ outcomeType: 'VOCATIONAL' })).toBe(1);
    expect(await count({ outcomeType: 'ACADEMIC' })).toBe(0);
    expect(await count({ expiringBefore: '2030-01-01' })).toBe(1);
    expect(await count({ expiringBefore: '2029-06-30' })).toBe(0);
  });

  it('resolves Institution.accreditation for the province, for learners, and for nobody else', async () => {
    const reps = { r: [{ __typename: 'Institution', code: school }] };
    for (const token of [
      zj(),
      tokens.analyst('33'),
      tokens.institutionAdmin(school),
      tokens.learner(makeAccountNo('44', 7)),
      tokens.platformAdmin('11'),
    ]) {
      const r = await graphql<{ _entities: Array<{ accreditation: Acc | null }> }>(h.url, ENTITIES, reps, { token });
      expect(r.data?._entities[0]?.accreditation).toMatchObject({ status: 'ACTIVE', bulkDeposit: true });
    }
    for (const token of [tokens.centerAdmin('44'), tokens.expert('44'), '']) {
      const r = await graphql<{ _entities: Array<{ accreditation: Acc | null }> }>(h.url, ENTITIES, reps, token ? { token } : {});
      expect(r.data?._entities[0]?.accreditation).toBeNull();
    }
  });

  it('only a CENTER_ADMIN of the institution’s province accredits; unknown and inactive institutions are refused', async () => {
    const input = (code: string) => ({
      i: { institutionCode: code, outcomeTypes: ['ACADEMIC'], bulkDeposit: false, validUntil: '2028-06-30' },
    });
    expect((await h.gql(ACCREDIT, input(school), tokens.platformAdmin())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(ACCREDIT, input(school), tokens.expert())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(ACCREDIT, input(cantonese), zj())).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(ACCREDIT, input(makeUscc('330106', 777)), zj())).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(ACCREDIT, input(closed), zj())).errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const past = await h.gql(ACCREDIT, { i: { ...input(school).i, validUntil: '2020-01-01' } }, zj());
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.validUntil' });
    expect(await h.db.collection('accreditations').countDocuments({ _id: { $in: [cantonese, closed] } as never })).toBe(0);
  });

  it('suspends with a reason and an event; suspending twice is a conflict; re-accrediting restores it', async () => {
    const r = await h.ok<{ suspendAccreditation: Acc & { suspendReason: string } }>(
      SUSPEND,
      { c: school, r: '年度检查发现数据不实' },
      zj(),
    );
    expect(r.suspendAccreditation).toMatchObject({ status: 'SUSPENDED', suspendReason: '年度检查发现数据不实' });
    await eventually(() =>
      expect(h.tap.events(InstitutionAccreditationSuspended.type).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ institutionCode: school, status: 'SUSPENDED', reason: '年度检查发现数据不实', bulkDeposit: true }),
      ),
    );
    expect((await h.gql(SUSPEND, { c: school, r: 'again' }, zj())).errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect((await h.gql(SUSPEND, { c: school, r: 'x' }, tokens.centerAdmin('44'))).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(SUSPEND, { c: school, r: '' }, zj())).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');

    const back = await h.ok<{ accreditInstitution: Acc }>(
      ACCREDIT,
      { i: { institutionCode: school, outcomeTypes: ['VOCATIONAL'], bulkDeposit: false, validUntil: '2028-06-30' } },
      zj(),
    );
    expect(back.accreditInstitution).toMatchObject({ status: 'ACTIVE', outcomeTypes: ['VOCATIONAL'], bulkDeposit: false });
    expect(back.accreditInstitution.history.map((x) => x.action)).toEqual(['ACCREDITED', 'SUSPENDED', 'ACCREDITED']);
    await eventually(() =>
      expect(h.tap.events(InstitutionAccredited.type).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ institutionCode: school, previousStatus: 'SUSPENDED', bulkDeposit: false }),
      ),
    );
  });

  it('honours expiry: past validUntil reads as EXPIRED and cannot be suspended', async () => {
    await h.db.collection('accreditations').updateOne({ _id: school as never }, { $set: { validUntil: new Date(Date.now() - 1000) } });
    const r = await graphql<{ _entities: Array<{ accreditation: Acc }> }>(
      h.url,
      ENTITIES,
      { r: [{ __typename: 'Institution', code: school }] },
      { token: zj() },
    );
    expect(r.data?._entities[0]?.accreditation.status).toBe('EXPIRED');
    const LIST = `query($f: AccreditationFilter) { accreditations(filter: $f) { totalCount edges { node { institutionCode status } } } }`;
    const expired = await h.ok<{ accreditations: { totalCount: number; edges: Array<{ node: { status: string } }> } }>(
      LIST,
      { f: { status: 'EXPIRED' } },
      zj(),
    );
    expect(expired.accreditations.totalCount).toBe(1);
    expect(
      (await h.ok<{ accreditations: { totalCount: number } }>(LIST, { f: { status: 'ACTIVE' } }, zj())).accreditations.totalCount,
    ).toBe(0);
    expect((await h.ok<{ accreditations: { totalCount: number } }>(LIST, {}, tokens.centerAdmin('44'))).accreditations.totalCount).toBe(0);
    expect((await h.gql(LIST, { f: { province: '33' } }, tokens.centerAdmin('44'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(SUSPEND, { c: school, r: '过期' }, zj())).errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });
});
