import { BadInputError, ConflictError, freeText } from '@creditbank/kernel';
import {
  CREDIT_METHODS,
  OUTCOME_TYPES,
  ROUNDING_MODES,
  annualCapKey,
  catalogSubtype,
  isCatalogCode,
  subtypeFits,
  type AnnualCap,
  type CreditMethod,
  type CreditRule,
  type CreditStandardRules,
  type ItemCreditRule,
  type OutcomeType,
  type RoundingMode,
} from '@creditbank/credit-rules';
import { optionalNumber, optionalPositive, parseInstant, requireNumber, requireProvince } from './input';

/**
 * A province's credit standard (学分标准), one published version. Versions are never changed: a new
 * one is published with the date it takes effect, and the one in force at any moment is the latest
 * version whose effectiveFrom has passed (effectiveFrom never goes backwards, so publishing never
 * rewrites which standard was in force before).
 */
export interface CreditStandard extends CreditStandardRules {
  name: string;
  note: string | null;
  effectiveFrom: Date;
  supersedesVersion: number | null;
  publishedAt: Date;
  publishedBy: string;
}

export type CreditStandardStatus = 'IN_FORCE' | 'SCHEDULED' | 'SUPERSEDED';

export function standardStatus(
  s: Pick<CreditStandard, 'version' | 'effectiveFrom'>,
  inForceVersion: number | null,
  now: Date,
): CreditStandardStatus {
  if (s.version === inForceVersion) return 'IN_FORCE';
  return s.effectiveFrom.getTime() > now.getTime() ? 'SCHEDULED' : 'SUPERSEDED';
}

/** The version in force at `at` among a province's versions. */
export function standardInForce<T extends Pick<CreditStandard, 'version' | 'effectiveFrom'>>(versions: readonly T[], at: Date): T | null {
  let best: T | null = null;
  for (const v of versions) if (v.effectiveFrom.getTime() <= at.getTime() && (!best || v.version > best.version)) best = v;
  return best;
}

export interface CreditRuleInput {
  type: OutcomeType;
  subtype?: string | null;
  method: CreditMethod;
  credits?: number | null;
  hoursPerCredit?: number | null;
  roundingStep?: number | null;
  rounding?: RoundingMode | null;
  levelCredits?: Array<{ level: number; credits: number }> | null;
  maxPerOutcome?: number | null;
  maxPerItem?: number | null;
  minScore?: number | null;
  pointsPerCredit?: number | null;
}

export interface ItemCreditRuleInput {
  catalogItemCode: string;
  credits: number;
  maxPerItem?: number | null;
  pointsPerCredit?: number | null;
}

export interface AnnualCapInput {
  type?: OutcomeType | null;
  subtype?: string | null;
  maxCredits: number;
}

export interface CreditStandardInput {
  province: string;
  name: string;
  effectiveFrom?: string | null;
  note?: string | null;
  pointsPerCredit: number;
  rules: CreditRuleInput[];
  itemRules?: ItemCreditRuleInput[] | null;
  annualCaps?: AnnualCapInput[] | null;
}

export type ParsedStandard = Omit<CreditStandard, 'version' | 'supersedesVersion' | 'publishedAt' | 'publishedBy' | 'effectiveFrom'> & {
  effectiveFrom: Date | null;
};

const METHOD_FIELDS: Record<CreditMethod, readonly string[]> = {
  FIXED: ['credits'],
  PER_HOURS: ['hoursPerCredit', 'roundingStep', 'rounding'],
  LEVEL_TABLE: ['levelCredits'],
  ITEM_STANDARD: [],
  DECLARED: [],
};
const METHOD_SPECIFIC = ['credits', 'hoursPerCredit', 'roundingStep', 'rounding', 'levelCredits'] as const;

function parseSubtype(type: OutcomeType | null, raw: string | null | undefined, field: string): string | null {
  if (raw === undefined || raw === null || raw.trim() === '') return null;
  const subtype = raw.trim().toUpperCase();
  if (!catalogSubtype(subtype)) throw new BadInputError('Unknown subtype (see catalogSubtypes)', field);
  if (type === null) throw new BadInputError('A subtype needs its type', field);
  if (!subtypeFits(type, subtype)) throw new BadInputError(`Subtype ${subtype} is not of type ${type}`, field);
  return subtype;
}

function parseRule(r: CreditRuleInput, at: string, levels: readonly number[]): CreditRule {
  if (!OUTCOME_TYPES.includes(r.type)) throw new BadInputError('Unknown outcome type', `${at}.type`);
  if (!CREDIT_METHODS.includes(r.method)) throw new BadInputError('Unknown method', `${at}.method`);
  const allowed = METHOD_FIELDS[r.method];
  for (const key of METHOD_SPECIFIC) {
    const v = r[key];
    const given = v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
    if (given && !allowed.includes(key))
      throw new BadInputError(`Only for method ${Object.entries(METHOD_FIELDS).find(([, f]) => f.includes(key))![0]}`, `${at}.${key}`);
  }
  let credits: number | null = null;
  let hoursPerCredit: number | null = null;
  let roundingStep: number | null = null;
  let rounding: RoundingMode | null = null;
  const levelCredits: Array<{ level: number; credits: number }> = [];
  if (r.method === 'FIXED') {
    credits = optionalPositive(r.credits, `${at}.credits`, 300);
    if (credits === null) throw new BadInputError('FIXED needs credits', `${at}.credits`);
  }
  if (r.method === 'PER_HOURS') {
    hoursPerCredit = optionalPositive(r.hoursPerCredit, `${at}.hoursPerCredit`, 1000, 2);
    if (hoursPerCredit === null) throw new BadInputError('PER_HOURS needs hoursPerCredit', `${at}.hoursPerCredit`);
    roundingStep = optionalNumber(r.roundingStep, `${at}.roundingStep`, 0.01, 10, 2) ?? 0.5;
    if (r.rounding !== undefined && r.rounding !== null && !ROUNDING_MODES.includes(r.rounding))
      throw new BadInputError('Unknown rounding', `${at}.rounding`);
    rounding = r.rounding ?? 'DOWN';
  }
  if (r.method === 'LEVEL_TABLE') {
    const rows = r.levelCredits ?? [];
    if (rows.length < 1 || rows.length > 20) throw new BadInputError('LEVEL_TABLE needs 1 to 20 levels', `${at}.levelCredits`);
    rows.forEach((row, i) => {
      if (!levels.includes(row.level))
        throw new BadInputError('Not a level of the qualification framework', `${at}.levelCredits.${i}.level`);
      if (levelCredits.some((l) => l.level === row.level)) throw new BadInputError('Level listed twice', `${at}.levelCredits.${i}.level`);
      levelCredits.push({ level: row.level, credits: requireNumber(row.credits, `${at}.levelCredits.${i}.credits`, 0, 300) });
    });
    levelCredits.sort((a, b) => a.level - b.level);
  }
  return {
    type: r.type,
    subtype: parseSubtype(r.type, r.subtype, `${at}.subtype`),
    method: r.method,
    credits,
    hoursPerCredit,
    roundingStep,
    rounding,
    levelCredits,
    maxPerOutcome: optionalPositive(r.maxPerOutcome, `${at}.maxPerOutcome`, 1000),
    maxPerItem: optionalPositive(r.maxPerItem, `${at}.maxPerItem`, 1000),
    minScore: optionalNumber(r.minScore, `${at}.minScore`, 0, 100, 2),
    pointsPerCredit: optionalNumber(r.pointsPerCredit, `${at}.pointsPerCredit`, 0, 10000, 2),
  };
}

/** Validate a standard as typed by the centre; catalogue codes are checked for existence by the use-case. */
export function parseCreditStandardInput(input: CreditStandardInput, levels: readonly number[]): ParsedStandard {
  const province = requireProvince(input.province, 'input.province');
  const rulesIn = input.rules ?? [];
  if (rulesIn.length < 1 || rulesIn.length > 50) throw new BadInputError('Give 1 to 50 rules', 'input.rules');
  const rules = rulesIn.map((r, i) => parseRule(r, `input.rules.${i}`, levels));
  rules.forEach((r, i) => {
    if (rules.findIndex((o) => o.type === r.type && o.subtype === r.subtype) !== i)
      throw new BadInputError(`Two rules for ${r.type}/${r.subtype ?? '*'}`, `input.rules.${i}`);
  });
  const itemIn = input.itemRules ?? [];
  if (itemIn.length > 500) throw new BadInputError('At most 500 item rules', 'input.itemRules');
  const itemRules: ItemCreditRule[] = itemIn.map((r, i) => {
    const code = String(r.catalogItemCode ?? '')
      .trim()
      .toUpperCase();
    if (!isCatalogCode(code)) throw new BadInputError('Not a catalogue code', `input.itemRules.${i}.catalogItemCode`);
    const credits = optionalPositive(r.credits, `input.itemRules.${i}.credits`, 300);
    if (credits === null) throw new BadInputError('Is required', `input.itemRules.${i}.credits`);
    return {
      catalogItemCode: code,
      credits,
      maxPerItem: optionalPositive(r.maxPerItem, `input.itemRules.${i}.maxPerItem`, 1000),
      pointsPerCredit: optionalNumber(r.pointsPerCredit, `input.itemRules.${i}.pointsPerCredit`, 0, 10000, 2),
    };
  });
  itemRules.forEach((r, i) => {
    if (itemRules.findIndex((o) => o.catalogItemCode === r.catalogItemCode) !== i)
      throw new BadInputError('Item listed twice', `input.itemRules.${i}.catalogItemCode`);
  });
  const capsIn = input.annualCaps ?? [];
  if (capsIn.length > 20) throw new BadInputError('At most 20 annual caps', 'input.annualCaps');
  const annualCaps: AnnualCap[] = capsIn.map((c, i) => {
    const type = c.type ?? null;
    if (type !== null && !OUTCOME_TYPES.includes(type)) throw new BadInputError('Unknown outcome type', `input.annualCaps.${i}.type`);
    const maxCredits = optionalPositive(c.maxCredits, `input.annualCaps.${i}.maxCredits`, 1000);
    if (maxCredits === null) throw new BadInputError('Is required', `input.annualCaps.${i}.maxCredits`);
    return { type, subtype: parseSubtype(type, c.subtype, `input.annualCaps.${i}.subtype`), maxCredits };
  });
  annualCaps.forEach((c, i) => {
    if (annualCaps.findIndex((o) => annualCapKey(o) === annualCapKey(c)) !== i)
      throw new BadInputError(`Two caps for ${annualCapKey(c)}`, `input.annualCaps.${i}`);
  });
  return {
    province,
    name: freeText(input.name, 'input.name', { min: 2, max: 100, required: true, noAngleBrackets: true }),
    note: freeText(input.note, 'input.note', { max: 2000, multiline: true }),
    effectiveFrom:
      input.effectiveFrom === undefined || input.effectiveFrom === null || input.effectiveFrom.trim() === ''
        ? null
        : parseInstant(input.effectiveFrom, 'input.effectiveFrom'),
    pointsPerCredit: requireNumber(input.pointsPerCredit, 'input.pointsPerCredit', 0, 10000, 2),
    rules,
    itemRules,
    annualCaps,
  };
}

const SKEW_MS = 5 * 60_000;
const HORIZON_MS = 2 * 366 * 86_400_000;

/** The next version of a province's standard: effective now or later, never before the latest one. */
export function nextStandard(parsed: ParsedStandard, latest: CreditStandard | null, now: Date, by: string): CreditStandard {
  const effectiveFrom = parsed.effectiveFrom ?? now;
  if (effectiveFrom.getTime() < now.getTime() - SKEW_MS)
    throw new BadInputError('A standard cannot take effect in the past (that would rewrite history)', 'input.effectiveFrom');
  if (effectiveFrom.getTime() > now.getTime() + HORIZON_MS)
    throw new BadInputError('A standard can be scheduled at most two years ahead', 'input.effectiveFrom');
  if (latest && effectiveFrom.getTime() < latest.effectiveFrom.getTime())
    throw new ConflictError(`Version ${latest.version} takes effect later; a new version must take effect at or after it`);
  return {
    ...parsed,
    effectiveFrom: effectiveFrom.getTime() < now.getTime() ? now : effectiveFrom,
    version: (latest?.version ?? 0) + 1,
    supersedesVersion: latest?.version ?? null,
    publishedAt: now,
    publishedBy: by,
  };
}

/** Whether two standards have the same rules (the demo seed does not publish a version twice). */
export function sameRules(a: CreditStandardRules & { name: string }, b: CreditStandardRules & { name: string }): boolean {
  const pick = (s: CreditStandardRules & { name: string }) =>
    JSON.stringify([s.name, s.pointsPerCredit, s.rules, s.itemRules, s.annualCaps]);
  return pick(a) === pick(b);
}
