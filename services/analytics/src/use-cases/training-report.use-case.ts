import { narrowScope, scopeOf, BadInputError, type Caller } from '@creditbank/kernel';
import { parseMonth } from '../domain/analytics-filter';
import { buildTrainingReport, reportCsv, reportDays, type TrainingReportData } from '../domain/training-report';
import { reportHtml } from '../domain/report-html';
import { loadOutcomes } from './analytics-queries.use-case';
import type { FactReader } from './ports';

export interface TrainingReport extends TrainingReportData {
  csv(): string;
  html(): string;
}

/** The monthly report of a province (定期发布); the caller's own province only (PLATFORM_ADMIN: any). */
export async function getTrainingReport(
  reader: FactReader,
  caller: Caller,
  province: string,
  periodArg: string,
  now: Date,
): Promise<TrainingReport> {
  if (!/^[1-9][0-9]$/.test(province)) throw new BadInputError('Must be a two-digit province code', 'province');
  const period = parseMonth(periodArg, 'period');
  const scope = narrowScope(scopeOf(caller), province);
  const days = reportDays(period);
  const [{ outcomes, population }, applications, catalog] = await Promise.all([
    loadOutcomes(reader, scope, { province, divisionPrefix: null, fromDay: days.fromDay, toDay: days.toDay, type: null }),
    reader.applications(scope, {}),
    reader.catalogItems(),
  ]);
  const names = new Map(catalog.map((c) => [c.code, c.title]));
  const data = buildTrainingReport({ province, period, outcomes, population, applications, nameOf: (c) => names.get(c) ?? null, now });
  return { ...data, csv: () => reportCsv(data), html: () => reportHtml(data) };
}
