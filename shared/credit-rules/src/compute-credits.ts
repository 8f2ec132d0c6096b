import type { AnnualCap, CatalogItemFacts, CreditRule, CreditStandardRules, ItemCreditRule, OutcomeType, RoundingMode } from './types';

/**
 * The one function that turns a learning outcome into recognised credits and reward points, from the
 * catalogue item version it maps to and the credit standard in force. Pure and total: the standards
 * service uses it for previews, the outcome service for recognition. Neither copies it.
 */

/** What the computation needs to know about the outcome itself. */
export interface OutcomeFacts {
  readonly type: OutcomeType;
  /** Hours actually completed; PER_HOURS falls back to the item's reference hours. */
  readonly hours?: number | null;
  /** Credits stated by the issuer (e.g. a transcript); used by DECLARED rules. */
  readonly credits?: number | null;
  /** Percentage score, when assessed. */
  readonly score?: number | null;
  /** YYYY-MM-DD or an ISO date-time; decides the calendar year of the annual caps. */
  readonly achievedAt: string;
}

/** Credits the learner already has recognised, for the caps. */
export interface CreditHistory {
  /**
   * Credits recognised in the same calendar year (`creditYear(achievedAt)`), per annual cap key
   * (`annualCapKeys(item, standard)`). Missing keys count as 0.
   */
  readonly yearToDate?: Readonly<Record<string, number>>;
  /** Credits recognised from the same catalogue item code (any version, any year). */
  readonly itemToDate?: number;
}

export interface CreditInput {
  readonly outcome: OutcomeFacts;
  readonly item: CatalogItemFacts;
  readonly standard: CreditStandardRules;
  readonly history?: CreditHistory;
  /** When given, an outcome older than the item's validity (validityYears) is not eligible. */
  readonly asOf?: Date | string;
}

export type IneligibleReason =
  | 'TYPE_MISMATCH'
  | 'ITEM_NOT_PUBLISHED'
  | 'EXPIRED'
  | 'NO_RULE'
  | 'LEVEL_NOT_IN_TABLE'
  | 'SCORE_MISSING'
  | 'BELOW_MIN_SCORE'
  | 'HOURS_MISSING'
  | 'CREDITS_MISSING';

/** Where the uncapped credits came from. */
export type CreditBasis = 'ITEM_RULE' | 'FIXED' | 'PER_HOURS' | 'ITEM_STANDARD' | 'LEVEL_TABLE' | 'DECLARED' | 'NONE';
export type CapKind = 'PER_OUTCOME' | 'PER_ITEM' | 'PER_YEAR';

export interface CreditComputation {
  readonly eligible: boolean;
  readonly reason: IneligibleReason | null;
  /** Recognised credits, after caps (multiples of 0.001). */
  readonly credits: number;
  /** Reward points: floor(credits × points per credit). */
  readonly points: number;
  /** Credits before any cap. */
  readonly uncappedCredits: number;
  readonly basis: CreditBasis;
  /** The rule that applied: `item:<code>`, `<TYPE>/<SUBTYPE>` or `<TYPE>/*`; null when none did. */
  readonly rule: string | null;
  /** The cap that bound the result, if one did (the last one that reduced it). */
  readonly cappedBy: CapKind | null;
  /** For PER_YEAR: which annual cap. */
  readonly capKey: string | null;
  /** The annual cap keys this outcome counts towards; store them with the recognised credits. */
  readonly annualCapKeys: readonly string[];
  /** Calendar year of the annual caps (China Standard Time). */
  readonly year: number;
  readonly standard: { readonly province: string; readonly version: number };
  readonly catalogItem: { readonly code: string; readonly version: number };
  /** Step by step, for reviewers and learners. */
  readonly explanation: string;
}

const MILLI = 1000;
const EPS = 1e-9;
/** Round to 0.001 (credits are kept to three decimals). */
const toCredits = (x: number) => Math.round(x * MILLI + (x >= 0 ? EPS : -EPS)) / MILLI;
const fmt = (x: number) => String(toCredits(x));

/** Round `value` to a multiple of `step`. */
export function roundToStep(value: number, step: number, mode: RoundingMode): number {
  if (!(step > 0)) return toCredits(value);
  const q = value / step;
  const n = mode === 'DOWN' ? Math.floor(q + EPS) : mode === 'UP' ? Math.ceil(q - EPS) : Math.floor(q + 0.5 + EPS);
  return toCredits(n * step);
}

/** The calendar year (China Standard Time) of an achievement date, for annual caps. */
export function creditYear(achievedAt: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(achievedAt)) return Number(achievedAt.slice(0, 4));
  const ms = Date.parse(achievedAt);
  if (Number.isNaN(ms)) return Number(achievedAt.slice(0, 4)) || 0;
  return new Date(ms + 8 * 3600_000).getUTCFullYear();
}

/** The key of an annual cap: `<TYPE>/<SUBTYPE>` with `*` for "any". */
export function annualCapKey(cap: Pick<AnnualCap, 'type' | 'subtype'>): string {
  return `${cap.type ?? '*'}/${cap.subtype ?? '*'}`;
}

function capApplies(cap: AnnualCap, item: Pick<CatalogItemFacts, 'type' | 'subtype'>): boolean {
  return (cap.type === null || cap.type === item.type) && (cap.subtype === null || cap.subtype === item.subtype);
}

/** The annual caps an outcome of this item counts towards (query the learner's year-to-date by these). */
export function annualCapKeys(
  item: Pick<CatalogItemFacts, 'type' | 'subtype'>,
  standard: Pick<CreditStandardRules, 'annualCaps'>,
): string[] {
  return standard.annualCaps.filter((c) => capApplies(c, item)).map(annualCapKey);
}

export type MatchedRule = { kind: 'item'; rule: ItemCreditRule; key: string } | { kind: 'type'; rule: CreditRule; key: string };

/** The rule that applies to an item: its item rule, else its type + subtype rule, else its type-wide rule. */
export function matchCreditRule(
  item: Pick<CatalogItemFacts, 'code' | 'type' | 'subtype'>,
  standard: CreditStandardRules,
): MatchedRule | null {
  const byItem = standard.itemRules.find((r) => r.catalogItemCode === item.code);
  if (byItem) return { kind: 'item', rule: byItem, key: `item:${item.code}` };
  const bySubtype = item.subtype ? standard.rules.find((r) => r.type === item.type && r.subtype === item.subtype) : undefined;
  if (bySubtype) return { kind: 'type', rule: bySubtype, key: `${item.type}/${item.subtype}` };
  const byType = standard.rules.find((r) => r.type === item.type && r.subtype === null);
  if (byType) return { kind: 'type', rule: byType, key: `${item.type}/*` };
  return null;
}

function addYears(iso: string, years: number): number {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00+08:00` : iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/**
 * Compute the credits and points an outcome earns under a credit standard.
 *
 * 1. Eligibility: the outcome's type is the item's; the item version is not a draft; the outcome is
 *    within the item's validity (when `asOf` is given).
 * 2. The rule: the item rule, else the (type, subtype) rule, else the type-wide rule.
 * 3. Uncapped credits by the rule's method: FIXED, PER_HOURS (hours ÷ hours per credit, rounded to the
 *    step), ITEM_STANDARD (the item's standard credits), LEVEL_TABLE (by the item's level) or DECLARED
 *    (the issuer's credits, else the item's standard credits). A rule's minimum score applies first.
 * 4. Caps, in order: per outcome, per item (minus `history.itemToDate`), per year (each matching annual
 *    cap minus `history.yearToDate[key]`). Never below zero.
 * 5. Points: floor(credits × points per credit) of the rule, else of the standard.
 */
export function computeCredits(input: CreditInput): CreditComputation {
  const { outcome, item, standard } = input;
  const steps: string[] = [];
  const year = creditYear(outcome.achievedAt);
  const capKeys = annualCapKeys(item, standard);
  const base = {
    year,
    annualCapKeys: capKeys,
    standard: { province: standard.province, version: standard.version },
    catalogItem: { code: item.code, version: item.version },
  };
  const refuse = (reason: IneligibleReason, why: string, rule: string | null = null, basis: CreditBasis = 'NONE'): CreditComputation => ({
    ...base,
    eligible: false,
    reason,
    credits: 0,
    points: 0,
    uncappedCredits: 0,
    basis,
    rule,
    cappedBy: null,
    capKey: null,
    explanation: [...steps, `not eligible: ${why}`].join('; '),
  });

  if (outcome.type !== item.type) return refuse('TYPE_MISMATCH', `outcome type ${outcome.type} is not the item's type ${item.type}`);
  if (item.status === 'DRAFT') return refuse('ITEM_NOT_PUBLISHED', `catalogue item ${item.code} v${item.version} is a draft`);
  if (input.asOf !== undefined && item.validityYears !== null && item.validityYears > 0) {
    const asOf = typeof input.asOf === 'string' ? Date.parse(input.asOf) : input.asOf.getTime();
    if (addYears(outcome.achievedAt, item.validityYears) < asOf)
      return refuse('EXPIRED', `achieved more than ${item.validityYears} year(s) ago (validity of ${item.code})`);
  }

  const matched = matchCreditRule(item, standard);
  if (!matched)
    return refuse(
      'NO_RULE',
      `credit standard ${standard.province} v${standard.version} has no rule for ${item.type}/${item.subtype ?? '*'}`,
    );
  steps.push(`rule ${matched.key} of credit standard ${standard.province} v${standard.version}`);

  let uncapped: number;
  let basis: CreditBasis;
  let maxPerOutcome: number | null = null;
  let maxPerItem: number | null;
  let pointsPerCredit = standard.pointsPerCredit;

  if (matched.kind === 'item') {
    const r = matched.rule;
    basis = 'ITEM_RULE';
    uncapped = toCredits(r.credits);
    maxPerItem = r.maxPerItem;
    if (r.pointsPerCredit !== null) pointsPerCredit = r.pointsPerCredit;
    steps.push(`fixed ${fmt(uncapped)} credit(s) for item ${item.code}`);
  } else {
    const r = matched.rule;
    maxPerOutcome = r.maxPerOutcome;
    maxPerItem = r.maxPerItem;
    if (r.pointsPerCredit !== null) pointsPerCredit = r.pointsPerCredit;
    if (r.minScore !== null) {
      if (outcome.score === undefined || outcome.score === null)
        return refuse('SCORE_MISSING', `the rule needs a score of at least ${r.minScore}`, matched.key, r.method);
      if (outcome.score < r.minScore)
        return refuse('BELOW_MIN_SCORE', `score ${outcome.score} is below the minimum ${r.minScore}`, matched.key, r.method);
    }
    basis = r.method;
    switch (r.method) {
      case 'FIXED':
        uncapped = toCredits(r.credits ?? 0);
        steps.push(`fixed ${fmt(uncapped)} credit(s)`);
        break;
      case 'PER_HOURS': {
        const fromOutcome = outcome.hours !== undefined && outcome.hours !== null;
        const hours = fromOutcome ? outcome.hours : item.hours;
        if (hours === null || hours === undefined || !(hours > 0))
          return refuse('HOURS_MISSING', 'neither the outcome nor the catalogue item states hours', matched.key, basis);
        const perCredit = r.hoursPerCredit ?? 0;
        if (!(perCredit > 0)) return refuse('NO_RULE', 'the rule has no hours per credit', matched.key, basis);
        const step = r.roundingStep ?? 0.5;
        const mode = r.rounding ?? 'DOWN';
        const raw = hours / perCredit;
        uncapped = roundToStep(raw, step, mode);
        steps.push(
          `${fmt(hours)} h${fromOutcome ? '' : ' (item reference hours)'} ÷ ${fmt(perCredit)} h per credit = ${fmt(raw)}, rounded ${mode.toLowerCase()} to a multiple of ${fmt(step)} → ${fmt(uncapped)}`,
        );
        break;
      }
      case 'ITEM_STANDARD':
        if (item.standardCredits === null)
          return refuse('CREDITS_MISSING', `item ${item.code} has no standard credits`, matched.key, basis);
        uncapped = toCredits(item.standardCredits);
        steps.push(`standard credits of ${item.code} v${item.version}: ${fmt(uncapped)}`);
        break;
      case 'LEVEL_TABLE': {
        const row = item.level === null ? undefined : r.levelCredits.find((l) => l.level === item.level);
        if (!row)
          return refuse('LEVEL_NOT_IN_TABLE', `no credits for level ${item.level ?? 'none'} in the level table`, matched.key, basis);
        uncapped = toCredits(row.credits);
        steps.push(`level ${row.level}: ${fmt(uncapped)} credit(s)`);
        break;
      }
      case 'DECLARED': {
        const stated = outcome.credits !== undefined && outcome.credits !== null;
        const declared = stated ? outcome.credits : item.standardCredits;
        if (declared === null || declared === undefined || !(declared >= 0))
          return refuse('CREDITS_MISSING', 'the outcome states no credits and the item has no standard credits', matched.key, basis);
        uncapped = toCredits(declared);
        steps.push(`${stated ? 'credits stated by the issuer' : `standard credits of ${item.code}`}: ${fmt(uncapped)}`);
        break;
      }
    }
  }

  let credits = uncapped;
  let cappedBy: CapKind | null = null;
  let capKey: string | null = null;
  if (maxPerOutcome !== null && credits > maxPerOutcome) {
    credits = toCredits(maxPerOutcome);
    cappedBy = 'PER_OUTCOME';
    steps.push(`capped at ${fmt(maxPerOutcome)} per outcome`);
  }
  if (maxPerItem !== null) {
    const sofar = Math.max(0, input.history?.itemToDate ?? 0);
    const room = Math.max(0, toCredits(maxPerItem - sofar));
    if (credits > room) {
      credits = room;
      cappedBy = 'PER_ITEM';
      steps.push(`capped at ${fmt(maxPerItem)} per item (${fmt(sofar)} already recognised from ${item.code}) → ${fmt(room)}`);
    }
  }
  for (const cap of standard.annualCaps) {
    if (!capApplies(cap, item)) continue;
    const key = annualCapKey(cap);
    const sofar = Math.max(0, input.history?.yearToDate?.[key] ?? 0);
    const room = Math.max(0, toCredits(cap.maxCredits - sofar));
    if (credits > room) {
      credits = room;
      cappedBy = 'PER_YEAR';
      capKey = key;
      steps.push(`capped at ${fmt(cap.maxCredits)} per year for ${key} (${fmt(sofar)} already in ${year}) → ${fmt(room)}`);
    }
  }
  credits = toCredits(credits);
  const points = Math.max(0, Math.floor(credits * pointsPerCredit + EPS));
  steps.push(`${fmt(credits)} credit(s) × ${fmt(pointsPerCredit)} points per credit → ${points} point(s)`);
  return {
    ...base,
    eligible: true,
    reason: null,
    credits,
    points,
    uncappedCredits: uncapped,
    basis,
    rule: matched.key,
    cappedBy,
    capKey,
    explanation: steps.join('; '),
  };
}
