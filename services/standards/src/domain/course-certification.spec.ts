import { applyReview, approvalsOf, averageScore, parseSubmission, type CourseCertification } from './course-certification';

const at = new Date('2026-11-27T08:00:00Z');
const submitted = (requiredApprovals = 2): CourseCertification => ({
  id: 'cc-1',
  province: '33',
  institutionCode: '523301060000044EFH',
  title: '农产品直播带货实务',
  catalogItemCode: 'VT-LIVE-COMMERCE',
  catalogItemVersion: 1,
  hours: 36,
  syllabus: '直播平台规则、选品、脚本、售后',
  assessment: '实操考核',
  teachers: [],
  status: 'SUBMITTED',
  requiredApprovals,
  reviews: [],
  history: [{ at, by: 'inst-admin', action: 'SUBMITTED', note: null }],
  submittedAt: at,
  submittedBy: 'inst-admin',
  decidedAt: null,
  rejectionReason: null,
  rev: 1,
});

describe('course certification review rules', () => {
  it('certifies at the quorum of approvals, not before', () => {
    const one = applyReview(submitted(2), 'expert-a', { decision: 'APPROVE', score: 85 }, at);
    expect(one).toMatchObject({ decided: null, next: { status: 'UNDER_REVIEW' } });
    const two = applyReview(one.next, 'expert-b', { decision: 'APPROVE', score: 90, comment: '课程设计合理' }, at);
    expect(two).toMatchObject({ decided: 'CERTIFIED', next: { status: 'CERTIFIED', decidedAt: at } });
    expect(approvalsOf(two.next)).toBe(2);
    expect(averageScore(two.next)).toBe(87.5);
    expect(two.next.history.map((h) => h.action)).toEqual(['SUBMITTED', 'REVIEWED', 'REVIEWED', 'CERTIFIED']);
  });

  it.each([1, 3])('the quorum is configurable (%d)', (quorum) => {
    let c = submitted(quorum);
    for (let i = 0; i < quorum; i++) {
      const r = applyReview(c, `expert-${i}`, { decision: 'APPROVE' }, at);
      expect(r.decided).toBe(i === quorum - 1 ? 'CERTIFIED' : null);
      c = r.next;
    }
  });

  it('one expert reviews once', () => {
    const one = applyReview(submitted(3), 'expert-a', { decision: 'APPROVE' }, at);
    expect(() => applyReview(one.next, 'expert-a', { decision: 'APPROVE' }, at)).toThrow(/already reviewed/);
    expect(() => applyReview(one.next, 'expert-a', { decision: 'REJECT', comment: '改变主意' }, at)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }) as Error,
    );
  });

  it('any rejection with a reason rejects, even after approvals', () => {
    const one = applyReview(submitted(2), 'expert-a', { decision: 'APPROVE' }, at);
    const no = applyReview(one.next, 'expert-b', { decision: 'REJECT', score: 40, comment: '缺少实操考核方案' }, at);
    expect(no).toMatchObject({ decided: 'REJECTED', next: { status: 'REJECTED', rejectionReason: '缺少实操考核方案' } });
  });

  it('a rejection needs a reason', () => {
    expect(() => applyReview(submitted(), 'expert-a', { decision: 'REJECT' }, at)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'comment' } }) as Error,
    );
    expect(() => applyReview(submitted(), 'expert-a', { decision: 'REJECT', comment: '   ' }, at)).toThrow(/reason/);
  });

  it('a decided certification takes no more reviews', () => {
    const rejected = applyReview(submitted(), 'expert-a', { decision: 'REJECT', comment: '不符合' }, at).next;
    expect(() => applyReview(rejected, 'expert-b', { decision: 'APPROVE' }, at)).toThrow(/already rejected/);
    const certified = applyReview(submitted(1), 'expert-a', { decision: 'APPROVE' }, at).next;
    expect(() => applyReview(certified, 'expert-b', { decision: 'REJECT', comment: 'x' }, at)).toThrow(/already certified/);
  });

  it('scores are whole numbers from 0 to 100', () => {
    for (const score of [-1, 101, 50.5])
      expect(() => applyReview(submitted(), 'e', { decision: 'APPROVE', score }, at)).toThrow(
        expect.objectContaining({ details: { field: 'score' } }) as Error,
      );
  });

  it('validates submissions', () => {
    const good = {
      institutionCode: 'x',
      title: '茶叶加工',
      catalogItemCode: 'VT-TEA',
      hours: 40,
      syllabus: '采摘、杀青、揉捻、干燥与品质鉴评',
      assessment: '实操',
    };
    expect(parseSubmission({ ...good, teachers: [{ name: '陈老师', title: '高级农艺师' }] }).teachers).toEqual([
      { name: '陈老师', title: '高级农艺师', qualification: null },
    ]);
    expect(() => parseSubmission({ ...good, hours: 0 })).toThrow(expect.objectContaining({ details: { field: 'input.hours' } }) as Error);
    expect(() => parseSubmission({ ...good, syllabus: '太短' })).toThrow(
      expect.objectContaining({ details: { field: 'input.syllabus' } }) as Error,
    );
    expect(() => parseSubmission({ ...good, teachers: Array.from({ length: 21 }, () => ({ name: 'x' })) })).toThrow(/20 teachers/);
  });
});
