import {
  BadInputError,
  NotFoundError,
  decodeCursor,
  encodeCursor,
  freeText,
  pageSize,
  toConnection,
  type Caller,
  type Connection,
} from '@creditbank/kernel';
import { annualCapKey, computeCredits, type CreditComputation } from '@creditbank/credit-rules';
import { creditFactsOf, findVersion, normaliseCode, publicHead } from '../domain/catalog-item';
import type { CreditStandard } from '../domain/credit-standard';
import { optionalInt, optionalNumber, optionalPositive, parseInstant, requireProvince } from '../domain/input';
import type { CatalogStore, CreditStandardStore } from './ports';

/**
 * Credit standards are published documents (学分标准 are public): anyone may read any province's. A
 * caller with a token defaults to its own province.
 */
function provinceOf(caller: Caller, province: string | null | undefined): string {
  if (province !== undefined && province !== null) return requireProvince(province, 'province');
  if (caller.kind === 'user') return caller.province;
  throw new BadInputError('Name the province (two-digit code)', 'province');
}

/** The standard in force now (or at `at`), or one version. */
export async function getCreditStandard(
  store: CreditStandardStore,
  caller: Caller,
  args: { province?: string | null; version?: number | null; at?: string | null },
  now: Date,
): Promise<CreditStandard | null> {
  const province = provinceOf(caller, args.province);
  const version = optionalInt(args.version, 'version', 1, 1_000_000);
  if (version !== null) return store.version(province, version);
  const at = args.at ? parseInstant(args.at, 'at') : now;
  return store.inForce(province, at);
}

/** Every published version of a province's standard, newest first. */
export async function listCreditStandardVersions(
  store: CreditStandardStore,
  caller: Caller,
  provinceArg: string | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<CreditStandard>> {
  const province = provinceOf(caller, provinceArg);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const { rows, total } = await store.history(province, { after: cursor ? Number(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (s) => encodeCursor([s.version]));
}

export interface CreditPreviewInput {
  province?: string | null;
  catalogItemCode: string;
  catalogItemVersion?: number | null;
  hours?: number | null;
  credits?: number | null;
  score?: number | null;
  achievedAt?: string | null;
  /** Credits the learner already has this year (counted towards every annual cap that applies). */
  creditsThisYear?: number | null;
  /** Credits the learner already has from this catalogue item. */
  creditsFromItem?: number | null;
}

/**
 * What an outcome would earn under the standard in force: the shared computation of
 * @creditbank/credit-rules on published data. Public, like the standard and the catalogue.
 */
export async function previewCredits(
  deps: { standards: CreditStandardStore; catalog: CatalogStore },
  caller: Caller,
  input: CreditPreviewInput,
  now: Date,
): Promise<CreditComputation> {
  const province = provinceOf(caller, input.province);
  const code = normaliseCode(input.catalogItemCode);
  const [entry] = code ? await deps.catalog.findByCodes(null, [code]) : [];
  const wanted = optionalInt(input.catalogItemVersion, 'input.catalogItemVersion', 1, 1_000_000);
  const item = entry ? (wanted !== null ? findVersion(entry, wanted, false) : publicHead(entry)) : null;
  if (!entry || !item || (entry.scope === 'PROVINCIAL' && entry.province !== province)) throw new NotFoundError('Catalogue item');
  const standard = await deps.standards.inForce(province, now);
  if (!standard) throw new NotFoundError('Credit standard');
  const achievedAt =
    freeText(input.achievedAt, 'input.achievedAt', { max: 40, noAngleBrackets: true }) ??
    new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  parseInstant(achievedAt, 'input.achievedAt');
  const thisYear = optionalNumber(input.creditsThisYear, 'input.creditsThisYear', 0, 10000) ?? 0;
  return computeCredits({
    item: creditFactsOf(item),
    standard,
    outcome: {
      type: item.type,
      hours: optionalPositive(input.hours, 'input.hours', 10000),
      credits: optionalNumber(input.credits, 'input.credits', 0, 300),
      score: optionalNumber(input.score, 'input.score', 0, 100),
      achievedAt,
    },
    history: {
      itemToDate: optionalNumber(input.creditsFromItem, 'input.creditsFromItem', 0, 10000) ?? 0,
      yearToDate: Object.fromEntries(standard.annualCaps.map((c) => [annualCapKey(c), thisYear])),
    },
    asOf: now,
  });
}
