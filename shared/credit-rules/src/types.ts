/**
 * The vocabulary shared by every service that reasons about credits: outcome types, catalogue
 * subtypes, the facts of a catalogue item version and the rules of a published credit standard.
 * Plain data: what the standards service stores and publishes in its events is exactly this shape.
 */
export const OUTCOME_TYPES = ['ACADEMIC', 'VOCATIONAL', 'NON_ACADEMIC'] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

export function isOutcomeType(value: unknown): value is OutcomeType {
  return typeof value === 'string' && (OUTCOME_TYPES as readonly string[]).includes(value);
}

/** How a rule turns an outcome into credits. */
export const CREDIT_METHODS = ['FIXED', 'PER_HOURS', 'ITEM_STANDARD', 'LEVEL_TABLE', 'DECLARED'] as const;
export type CreditMethod = (typeof CREDIT_METHODS)[number];

/** Rounding of hour-based credits to a multiple of the rule's step. */
export const ROUNDING_MODES = ['DOWN', 'NEAREST', 'UP'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export type CatalogItemStatus = 'DRAFT' | 'PUBLISHED' | 'RETIRED';

/** The facts of one catalogue item version that credits depend on (immutable once published). */
export interface CatalogItemFacts {
  readonly code: string;
  readonly version: number;
  readonly type: OutcomeType;
  readonly subtype: string | null;
  /** Qualification framework level (1 = entry). */
  readonly level: number | null;
  /** Reference hours (学时) of the item; used when an outcome states none. */
  readonly hours: number | null;
  /** Standard credits of the item (catalogue value). */
  readonly standardCredits: number | null;
  /** How long an outcome of this item stays depositable after it was achieved; null = forever. */
  readonly validityYears: number | null;
  /** Optional: recognition is refused under a DRAFT version. */
  readonly status?: CatalogItemStatus;
}

export interface LevelCredit {
  readonly level: number;
  readonly credits: number;
}

/**
 * A rule for the outcomes of one type, optionally narrowed to one subtype. A rule with a subtype wins
 * over the type-wide rule (subtype null).
 */
export interface CreditRule {
  readonly type: OutcomeType;
  readonly subtype: string | null;
  readonly method: CreditMethod;
  /** FIXED: credits per outcome. */
  readonly credits: number | null;
  /** PER_HOURS: hours that make one credit (e.g. 18). */
  readonly hoursPerCredit: number | null;
  /** PER_HOURS: credits are rounded to a multiple of this step (e.g. 0.5). Default 0.5. */
  readonly roundingStep: number | null;
  /** PER_HOURS: default DOWN. */
  readonly rounding: RoundingMode | null;
  /** LEVEL_TABLE: credits by qualification level of the catalogue item. */
  readonly levelCredits: readonly LevelCredit[];
  /** At most this many credits for one outcome. */
  readonly maxPerOutcome: number | null;
  /** At most this many credits for one learner from one catalogue item, over all years (repeated learning). */
  readonly maxPerItem: number | null;
  /** Outcomes with a score below this (percentage) earn nothing; an outcome without a score then earns nothing either. */
  readonly minScore: number | null;
  /** Overrides the standard's points per credit for this rule. */
  readonly pointsPerCredit: number | null;
}

/** Fixed credits for one catalogue item, whatever its type rule says. */
export interface ItemCreditRule {
  readonly catalogItemCode: string;
  readonly credits: number;
  readonly maxPerItem: number | null;
  readonly pointsPerCredit: number | null;
}

/** At most `maxCredits` per learner per calendar year for outcomes of a type / subtype (null = any). */
export interface AnnualCap {
  readonly type: OutcomeType | null;
  readonly subtype: string | null;
  readonly maxCredits: number;
}

/** Everything of a published credit standard that the computation needs. */
export interface CreditStandardRules {
  readonly province: string;
  readonly version: number;
  /** Points for the rewards scheme per recognised credit (rules may override). */
  readonly pointsPerCredit: number;
  readonly rules: readonly CreditRule[];
  readonly itemRules: readonly ItemCreditRule[];
  readonly annualCaps: readonly AnnualCap[];
}
