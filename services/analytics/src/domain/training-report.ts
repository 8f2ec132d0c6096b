import { stringify } from 'csv-stringify/sync';
import { round2, type LearnerOutcome } from './dimensions';
import { demographics, trainingDistribution, type DemographicBucket, type DistributionBucket } from './distribution';
import type { ApplicationFact, LearnerFact } from './facts';
import { hotPrograms, type ProgramRank } from './rankings';
import { lastDayOfMonth, previousMonth } from './analytics-filter';

export interface PeriodSummary {
  outcomes: number;
  credits: number;
  learners: number;
  newAccounts: number;
}

export interface Growth {
  /** Relative change against the previous month; null when the previous month had none. */
  outcomes: number | null;
  credits: number | null;
  learners: number | null;
  newAccounts: number | null;
}

export interface ConversionYield {
  submitted: number;
  approved: number;
  rejected: number;
  cancelled: number;
  creditsConsumed: number;
  /** approved ÷ (approved + rejected) of the decisions in the month. */
  approvalRate: number | null;
  /** Approved conversions per 100 learners with recognised outcomes in the month. */
  approvedPer100Learners: number | null;
}

export interface TrainingReportData {
  province: string;
  period: string;
  generatedAt: string;
  summary: PeriodSummary;
  previous: PeriodSummary;
  growth: Growth;
  topPrograms: ProgramRank[];
  regionalDistribution: DistributionBucket[];
  demographics: DemographicBucket[];
  conversionYield: ConversionYield;
  /** The twelve months up to the period (outcomes and credits per month, zeros included). */
  monthlyTrend: DistributionBucket[];
}

export interface ReportInput {
  province: string;
  period: string;
  /** Recognised outcomes of the province from 11 months before the period to its end. */
  outcomes: readonly LearnerOutcome[];
  population: readonly LearnerFact[];
  applications: readonly ApplicationFact[];
  nameOf: (code: string) => string | null;
  now: Date;
}

const inMonth = (iso: string | null, month: string) => !!iso && iso.slice(0, 7) === month;

function summary(outcomes: readonly LearnerOutcome[], population: readonly LearnerFact[], month: string): PeriodSummary {
  const of = outcomes.filter((o) => inMonth(o.day, month));
  return {
    outcomes: of.length,
    credits: round2(of.reduce((s, o) => s + o.credits, 0)),
    learners: new Set(of.map((o) => o.accountNo)).size,
    newAccounts: population.filter((l) => inMonth(l.openedAt, month)).length,
  };
}

const change = (now: number, before: number): number | null =>
  before === 0 ? null : Math.round(((now - before) / before) * 10_000) / 10_000;

/** 定期发布: the monthly big-data report of a province. */
export function buildTrainingReport(input: ReportInput): TrainingReportData {
  const { period } = input;
  const prev = previousMonth(period);
  const current = input.outcomes.filter((o) => inMonth(o.day, period));
  const s = summary(input.outcomes, input.population, period);
  const p = summary(input.outcomes, input.population, prev);
  const apps = input.applications;
  const approved = apps.filter((a) => inMonth(a.approvedAt, period));
  const rejected = apps.filter((a) => inMonth(a.rejectedAt, period)).length;
  const trendMonths = Array.from({ length: 12 }, (_, i) => previousMonth(period, 11 - i));
  const trend = new Map(trainingDistribution(input.outcomes, 'MONTH', null).map((b) => [b.key, b]));
  return {
    province: input.province,
    period,
    generatedAt: input.now.toISOString(),
    summary: s,
    previous: p,
    growth: {
      outcomes: change(s.outcomes, p.outcomes),
      credits: change(s.credits, p.credits),
      learners: change(s.learners, p.learners),
      newAccounts: change(s.newAccounts, p.newAccounts),
    },
    topPrograms: hotPrograms(current, 10, input.nameOf),
    regionalDistribution: trainingDistribution(current, 'DIVISION', null),
    demographics: demographics(current, Number(period.slice(0, 4))),
    conversionYield: {
      submitted: apps.filter((a) => inMonth(a.submittedAt, period)).length,
      approved: approved.length,
      rejected,
      cancelled: apps.filter((a) => inMonth(a.cancelledAt, period)).length,
      creditsConsumed: round2(approved.reduce((sum, a) => sum + a.creditsConsumed, 0)),
      approvalRate: approved.length + rejected ? Math.round((approved.length / (approved.length + rejected)) * 10_000) / 10_000 : null,
      approvedPer100Learners: s.learners ? round2((approved.length / s.learners) * 100) : null,
    },
    monthlyTrend: trendMonths.map((m) => trend.get(m) ?? { key: m, label: null, count: 0, credits: 0, learners: 0 }),
  };
}

export function reportDays(period: string): { fromDay: string; toDay: string } {
  return { fromDay: `${previousMonth(period, 11)}-01`, toDay: lastDayOfMonth(period) };
}

const fmt = (n: number | null) => (n === null ? '' : String(n));

/** The report as one CSV table (UTF-8 with BOM so spreadsheet programs read the Chinese names). */
export function reportCsv(r: TrainingReportData): string {
  const rows: (string | number)[][] = [['section', 'key', 'label', 'count', 'credits', 'learners', 'value']];
  const put = (
    section: string,
    key: string,
    label: string | null,
    count: number | null,
    credits: number | null,
    learners: number | null,
    value: number | string | null = null,
  ) => rows.push([section, key, label ?? '', fmt(count), fmt(credits), fmt(learners), value === null ? '' : String(value)]);
  put('meta', 'province', null, null, null, null, r.province);
  put('meta', 'period', null, null, null, null, r.period);
  put('meta', 'generatedAt', null, null, null, null, r.generatedAt);
  put('summary', r.period, '本月', r.summary.outcomes, r.summary.credits, r.summary.learners, r.summary.newAccounts);
  put('summary', previousMonth(r.period), '上月', r.previous.outcomes, r.previous.credits, r.previous.learners, r.previous.newAccounts);
  for (const [k, v] of Object.entries(r.growth)) put('growth', k, null, null, null, null, v as number | null);
  for (const t of r.topPrograms) put('topPrograms', t.catalogItemCode, t.name, t.outcomes, t.credits, t.learners, t.rank);
  for (const b of r.regionalDistribution) put('regionalDistribution', b.key, b.label, b.count, b.credits, b.learners);
  for (const d of r.demographics) put('demographics', `${d.ageBand}|${d.gender}|${d.type}`, null, d.count, d.credits, d.learners);
  for (const [k, v] of Object.entries(r.conversionYield)) put('conversionYield', k, null, null, null, null, v as number | null);
  for (const m of r.monthlyTrend) put('monthlyTrend', m.key, null, m.count, m.credits, m.learners);
  return `\ufeff${stringify(rows)}`;
}
