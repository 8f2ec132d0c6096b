import { buildTrainingReport, reportCsv } from './training-report';
import { reportHtml } from './report-html';
import { learner, outcome } from './fixtures.spec-helper';
import type { ApplicationFact } from './facts';

const a = learner('330000000011', { openedAt: '2026-10-03T00:00:00Z' });
const b = learner('330000000029', { adminDivision: '330108001', openedAt: '2026-09-03T00:00:00Z' });
const app = (id: string, over: Partial<ApplicationFact>): ApplicationFact => ({
  applicationId: id,
  province: '33',
  accountNo: a.accountNo,
  ruleId: 'cr-1',
  nodeId: null,
  submittedAt: null,
  approvedAt: null,
  rejectedAt: null,
  cancelledAt: null,
  creditsConsumed: 0,
  ...over,
});

const report = buildTrainingReport({
  province: '33',
  period: '2026-10',
  outcomes: [
    outcome(a, { day: '2026-10-05', credits: 4, catalogItemCode: 'VSC-ELEC-G5', title: '电工<五级>' }),
    outcome(b, { day: '2026-10-06', credits: 2, catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC' }),
    outcome(a, { day: '2026-10-07', credits: 4, catalogItemCode: 'VSC-ELEC-G5' }),
    outcome(b, { day: '2026-09-20', credits: 4 }),
    outcome(b, { day: '2025-11-20', credits: 1 }),
  ],
  population: [a, b],
  applications: [
    app('ca-1', { submittedAt: '2026-10-02T00:00:00Z', approvedAt: '2026-10-09T00:00:00Z', creditsConsumed: 6 }),
    app('ca-2', { submittedAt: '2026-10-02T00:00:00Z', rejectedAt: '2026-10-04T00:00:00Z' }),
    app('ca-3', { submittedAt: '2026-09-02T00:00:00Z', cancelledAt: '2026-09-04T00:00:00Z' }),
  ],
  nameOf: () => null,
  now: new Date('2026-11-01T00:00:00Z'),
});

describe('training report', () => {
  it('summarises the month against the previous one', () => {
    expect(report.summary).toEqual({ outcomes: 3, credits: 10, learners: 2, newAccounts: 1 });
    expect(report.previous).toEqual({ outcomes: 1, credits: 4, learners: 1, newAccounts: 1 });
    expect(report.growth).toEqual({ outcomes: 2, credits: 1.5, learners: 1, newAccounts: 0 });
    expect(report.topPrograms.map((p) => [p.catalogItemCode, p.outcomes])).toEqual([
      ['VSC-ELEC-G5', 2],
      ['CE-TEA-101', 1],
    ]);
    expect(report.regionalDistribution.map((r) => [r.key, r.count])).toEqual([
      ['330106', 2],
      ['330108', 1],
    ]);
    expect(report.conversionYield).toEqual({
      submitted: 2,
      approved: 1,
      rejected: 1,
      cancelled: 0,
      creditsConsumed: 6,
      approvalRate: 0.5,
      approvedPer100Learners: 50,
    });
    expect(report.monthlyTrend).toHaveLength(12);
    expect(report.monthlyTrend[0]).toMatchObject({ key: '2025-11', count: 1 });
    expect(report.monthlyTrend[11]).toMatchObject({ key: '2026-10', count: 3 });
    expect(report.monthlyTrend[5]).toMatchObject({ key: '2026-04', count: 0 });
  });
  it('renders CSV with a BOM and one row per figure', () => {
    const csv = reportCsv(report);
    expect(csv.startsWith('\ufeffsection,key,label,count,credits,learners,value\n')).toBe(true);
    expect(csv).toContain('summary,2026-10,本月,3,10,2,1');
    expect(csv).toContain('topPrograms,VSC-ELEC-G5,电工<五级>,2,8,1,1');
    expect(csv).toContain('conversionYield,approvalRate,,,,,0.5');
    expect(csv.trim().split('\n')).toHaveLength(1 + 3 + 2 + 4 + 2 + 2 + report.demographics.length + 7 + 12);
  });
  it('renders a self-contained HTML page with inline SVG charts and escaped text', () => {
    const html = reportHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).toContain('电工&lt;五级&gt;');
    expect(html).not.toContain('电工<五级>');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });
});
