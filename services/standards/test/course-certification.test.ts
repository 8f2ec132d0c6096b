import { CourseCertificationRejected, CourseCertified } from '@creditbank/contracts';
import { makeUscc } from '@creditbank/identity';
import { eventually, mintToken, tokens } from '@creditbank/testing';
import { PUBLISH, UPSERT, startStandards, type StandardsHarness } from './harness';

/** Runs with a quorum of 3 approvals (CERTIFICATION_APPROVALS) to show the number is configuration. */
let h: StandardsHarness;
const school = makeUscc('330106', 601);
const other = makeUscc('330106', 602);
const expert = (sub: string, province = '33') => mintToken({ role: 'EXPERT', province, sub });
const admin = () => tokens.institutionAdmin(school);

beforeAll(async () => {
  h = await startStandards({ CERTIFICATION_APPROVALS: '3' });
  await h.institution({ code: school, name: '西湖区职业技能培训学校' });
  await h.institution({ code: other, name: '余杭区农民学校' });
  await h.ok(
    UPSERT,
    { i: { code: 'VT-LIVE-COMMERCE', name: '农产品直播带货实务', type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', hours: 36 } },
    tokens.platformAdmin(),
  );
  await h.ok(PUBLISH, { c: 'VT-LIVE-COMMERCE' }, tokens.platformAdmin());
  await h.ok(
    UPSERT,
    { i: { code: 'VT-DRAFT-ONLY', name: '尚未发布的课程', type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING' } },
    tokens.platformAdmin(),
  );
});

afterAll(async () => {
  await h?.stop();
});

const FIELDS = `id institutionCode title status requiredApprovals approvals averageScore catalogItemCode catalogItemVersion catalogItem { code version name }
  teachers { name title } reviews { expertId decision score comment } history { action by note } rejectionReason decidedAt`;
const SUBMIT = `mutation($i: CourseCertificationInput!) { submitCourseCertification(input: $i) { ${FIELDS} } }`;
const REVIEW = `mutation($id: ID!, $d: ReviewDecision!, $s: Int, $c: String) { reviewCourseCertification(id: $id, decision: $d, score: $s, comment: $c) { ${FIELDS} } }`;
const ONE = `query($id: ID!) { courseCertification(id: $id) { ${FIELDS} } }`;
const LIST = `query($f: CourseCertificationFilter) { courseCertifications(filter: $f) { totalCount edges { node { id status } } } }`;

type Cert = {
  id: string;
  status: string;
  approvals: number;
  requiredApprovals: number;
  reviews: Array<{ expertId: string | null; decision: string }>;
  history: Array<{ action: string; by: string | null }>;
};

const course = (over: Record<string, unknown> = {}) => ({
  institutionCode: school,
  title: '农产品直播带货实务',
  catalogItemCode: 'VT-LIVE-COMMERCE',
  hours: 36,
  syllabus: '直播平台规则；农产品选品与定价；直播脚本；售后与物流。',
  assessment: '实操考核：完成一场30分钟农产品直播',
  teachers: [{ name: '陈丽', title: '电子商务师（二级）' }],
  ...over,
});

async function submit(over: Record<string, unknown> = {}): Promise<Cert> {
  return (await h.ok<{ submitCourseCertification: Cert }>(SUBMIT, { i: course(over) }, admin())).submitCourseCertification;
}

describe('submitting', () => {
  it('an institution admin submits a course of its own institution against a published item', async () => {
    const c = await submit();
    expect(c).toMatchObject({
      status: 'SUBMITTED',
      requiredApprovals: 3,
      approvals: 0,
      catalogItemVersion: 1,
      catalogItem: { code: 'VT-LIVE-COMMERCE', version: 1 },
      teachers: [{ name: '陈丽', title: '电子商务师（二级）' }],
      history: [{ action: 'SUBMITTED' }],
    });
  });

  it('refuses another institution, unpublished items and bad input, storing nothing', async () => {
    const before = await h.db.collection('course_certifications').countDocuments();
    expect((await h.gql(SUBMIT, { i: course({ institutionCode: other }) }, admin())).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(SUBMIT, { i: course() }, tokens.institutionAdmin(school, '44'))).errors?.[0]?.extensions?.['code']).toBe(
      'NOT_FOUND',
    );
    expect((await h.gql(SUBMIT, { i: course() }, tokens.expert())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(SUBMIT, { i: course({ catalogItemCode: 'VT-DRAFT-ONLY' }) }, admin())).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.catalogItemCode',
    });
    expect((await h.gql(SUBMIT, { i: course({ hours: -1 }) }, admin())).errors?.[0]?.extensions).toMatchObject({ field: 'input.hours' });
    expect(await h.db.collection('course_certifications').countDocuments()).toBe(before);
  });
});

describe('expert review', () => {
  it('certifies at the configured quorum; one expert reviews once; the institution follows status and history', async () => {
    const c = await submit({ title: '农产品直播带货（进阶）' });
    const first = await h.ok<{ reviewCourseCertification: Cert }>(REVIEW, { id: c.id, d: 'APPROVE', s: 88, c: '内容实用' }, expert('ex-1'));
    expect(first.reviewCourseCertification).toMatchObject({ status: 'UNDER_REVIEW', approvals: 1 });
    const twice = await h.gql(REVIEW, { id: c.id, d: 'APPROVE', s: 90 }, expert('ex-1'));
    expect(twice.errors?.[0]).toMatchObject({ message: expect.stringMatching(/already reviewed/), extensions: { code: 'CONFLICT' } });
    await h.ok(REVIEW, { id: c.id, d: 'APPROVE', s: 80 }, expert('ex-2'));
    // The institution sees progress, without the reviewers' identities.
    const seen = (await h.ok<{ courseCertification: Cert }>(ONE, { id: c.id }, admin())).courseCertification;
    expect(seen).toMatchObject({ status: 'UNDER_REVIEW', approvals: 2 });
    expect(seen.reviews.map((r) => r.expertId)).toEqual([null, null]);
    expect(seen.history.filter((x) => x.action === 'REVIEWED').map((x) => x.by)).toEqual([null, null]);
    // Staff see who reviewed.
    const staff = (await h.ok<{ courseCertification: Cert }>(ONE, { id: c.id }, tokens.centerAdmin())).courseCertification;
    expect(staff.reviews.map((r) => r.expertId)).toEqual(['ex-1', 'ex-2']);
    // The awaiting-review queue of an expert leaves out what it already reviewed.
    const queue = async (sub: string) =>
      (
        await h.ok<{ courseCertifications: { edges: Array<{ node: { id: string } }> } }>(
          LIST,
          { f: { awaitingMyReview: true } },
          expert(sub),
        )
      ).courseCertifications.edges.map((e) => e.node.id);
    expect(await queue('ex-1')).not.toContain(c.id);
    expect(await queue('ex-3')).toContain(c.id);

    const done = await h.ok<{ reviewCourseCertification: Cert & { averageScore: number } }>(
      REVIEW,
      { id: c.id, d: 'APPROVE', s: 92 },
      expert('ex-3'),
    );
    expect(done.reviewCourseCertification).toMatchObject({ status: 'CERTIFIED', approvals: 3, averageScore: 86.67 });
    expect(done.reviewCourseCertification.history.map((x) => x.action)).toEqual([
      'SUBMITTED',
      'REVIEWED',
      'REVIEWED',
      'REVIEWED',
      'CERTIFIED',
    ]);
    const event = await eventually(() => {
      const found = h.tap.events(CourseCertified.type).find((e) => (e.data as { certificationId: string }).certificationId === c.id);
      if (!found) throw new Error('no event');
      return found;
    });
    expect(event.province).toBe('33');
    expect(event.data).toMatchObject({
      institutionCode: school,
      catalogItemCode: 'VT-LIVE-COMMERCE',
      catalogItemVersion: 1,
      approvals: 3,
      requiredApprovals: 3,
      averageScore: 86.67,
    });
    // No teacher names or syllabus in the event.
    expect(JSON.stringify(event.data)).not.toContain('陈丽');
    const late = await h.gql(REVIEW, { id: c.id, d: 'REJECT', c: '太晚了' }, expert('ex-4'));
    expect(late.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('any rejection, with its reason, rejects', async () => {
    const c = await submit({ title: '乡村直播入门' });
    await h.ok(REVIEW, { id: c.id, d: 'APPROVE', s: 75 }, expert('ex-1'));
    const noReason = await h.gql(REVIEW, { id: c.id, d: 'REJECT' }, expert('ex-2'));
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'comment' });
    const r = await h.ok<{ reviewCourseCertification: Cert & { rejectionReason: string } }>(
      REVIEW,
      { id: c.id, d: 'REJECT', s: 50, c: '考核方式未覆盖实操环节' },
      expert('ex-2'),
    );
    expect(r.reviewCourseCertification).toMatchObject({ status: 'REJECTED', rejectionReason: '考核方式未覆盖实操环节' });
    await eventually(() =>
      expect(h.tap.events(CourseCertificationRejected.type).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ certificationId: c.id, reason: '考核方式未覆盖实操环节' }),
      ),
    );
    const list = await h.ok<{ courseCertifications: { edges: Array<{ node: { id: string; status: string } }> } }>(
      LIST,
      { f: { status: 'REJECTED' } },
      admin(),
    );
    expect(list.courseCertifications.edges.map((e) => e.node.id)).toEqual([c.id]);
  });

  it('concurrent reviews by different experts all count, and certify exactly once', async () => {
    const c = await submit({ title: '直播带货（并发）' });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((x) => h.gql<{ reviewCourseCertification: Cert }>(REVIEW, { id: c.id, d: 'APPROVE' }, expert(`ex-c-${x}`))),
    );
    const ok = results.filter((r) => !r.errors);
    expect(ok.length).toBe(3);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.['code'] === 'CONFLICT')).toHaveLength(1);
    const stored = await h.db.collection('course_certifications').findOne({ _id: c.id as never });
    expect(stored).toMatchObject({ status: 'CERTIFIED' });
    expect((stored?.['reviews'] as unknown[]).length).toBe(3);
    await eventually(() =>
      expect(
        h.tap.events(CourseCertified.type).filter((e) => (e.data as { certificationId: string }).certificationId === c.id),
      ).toHaveLength(1),
    );
  });

  it('experts of another province, other institutions and other roles see and change nothing', async () => {
    const c = await submit({ title: '直播带货（隔离）' });
    expect((await h.gql(REVIEW, { id: c.id, d: 'APPROVE' }, expert('ex-gd', '44'))).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await h.gql(REVIEW, { id: c.id, d: 'APPROVE' }, tokens.centerAdmin())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    for (const token of [tokens.institutionAdmin(other), expert('ex-gd', '44'), tokens.centerAdmin('44')]) {
      expect((await h.ok<{ courseCertification: unknown }>(ONE, { id: c.id }, token)).courseCertification).toBeNull();
      expect((await h.ok<{ courseCertifications: { totalCount: number } }>(LIST, {}, token)).courseCertifications.totalCount).toBe(0);
    }
    const mine = await h.ok<{ courseCertifications: { totalCount: number } }>(LIST, { f: { institutionCode: other } }, admin());
    expect(mine.courseCertifications.totalCount).toBe(0);
    expect((await h.db.collection('course_certifications').findOne({ _id: c.id as never }))?.['reviews']).toEqual([]);
  });
});
