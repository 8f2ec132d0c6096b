import type { Resolvers } from '@creditbank/server';
import { getTrainingReport, type TrainingReport } from '../use-cases/training-report.use-case';
import type { AnalyticsContext } from './context';

export const reportPath = (province: string, period: string, format: 'csv' | 'html') => `/reports/${province}/${period}.${format}`;

export const trainingReportResolvers: Resolvers<AnalyticsContext> = {
  Query: {
    trainingReport: (_: unknown, a: { province: string; period: string }, ctx: AnalyticsContext) =>
      getTrainingReport(ctx.deps.reader, ctx.caller, a.province, a.period, ctx.deps.now()),
  },
  TrainingReport: {
    topPrograms: (r: TrainingReport) => r.topPrograms.map((p) => ({ ...p, catalogItem: { code: p.catalogItemCode } })),
    csv: (r: TrainingReport) => r.csv(),
    html: (r: TrainingReport) => r.html(),
    csvPath: (r: TrainingReport) => reportPath(r.province, r.period, 'csv'),
    htmlPath: (r: TrainingReport) => reportPath(r.province, r.period, 'html'),
  },
};
