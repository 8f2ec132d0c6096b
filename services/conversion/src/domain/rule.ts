import { toCenti } from './ledger';

export type OutcomeType = 'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC';
export type RuleTargetKind = 'COURSE_CREDIT' | 'CERTIFICATE' | 'MODULE_EXEMPTION' | 'HONORARY_DEGREE';
export type RuleStatus = 'DRAFT' | 'PUBLISHED' | 'RETIRED';

export const OUTCOME_TYPES: readonly OutcomeType[] = ['ACADEMIC', 'VOCATIONAL', 'NON_ACADEMIC'];
export const TARGET_KINDS: readonly RuleTargetKind[] = ['COURSE_CREDIT', 'CERTIFICATE', 'MODULE_EXEMPTION', 'HONORARY_DEGREE'];

/** Which outcomes count. Every criterion given must hold (codes AND types AND level AND score AND age). */
export interface RuleSource {
  catalogItemCodes: string[];
  types: OutcomeType[];
  minLevel: number | null;
  minScore: number | null;
  withinYears: number | null;
}

/** What the learner gets. */
export interface RuleTarget {
  kind: RuleTargetKind;
  institutionCode: string | null;
  courseCode: string | null;
  courseName: string | null;
  levelCategory: string | null;
  credits: number | null;
}

/**
 * A conversion rule (转换规则). Drafts may be edited by drafting a successor; a published rule never
 * changes (applications keep the rule id and version they used); publishing a successor retires the
 * rule it supersedes.
 */
export interface ConversionRule {
  id: string;
  province: string;
  /** Version within the lineage: 1, or the superseded rule's version + 1. */
  version: number;
  supersedes: string | null;
  status: RuleStatus;
  name: string;
  /** Minimum total recognised credits of the chosen outcomes. */
  creditsRequired: number;
  source: RuleSource;
  target: RuleTarget;
  effectiveFrom: Date | null;
  effectiveTo: Date | null;
  draftedBy: string;
  draftedByRole: string;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
  retiredBy: string | null;
  retiredAt: Date | null;
}

/** The facts of a recognised outcome the rules look at (from outcome.recognized). */
export interface OutcomeFacts {
  id: string;
  type: OutcomeType;
  catalogItemCode: string;
  level: number | null;
  score: number | null;
  /** YYYY-MM-DD */
  achievedAt: string;
}

/** Why an outcome does not count under a rule (empty: it qualifies). */
export function outcomeMismatches(rule: Pick<ConversionRule, 'source'>, o: OutcomeFacts, now: Date): string[] {
  const s = rule.source;
  const out: string[] = [];
  if (s.catalogItemCodes.length && !s.catalogItemCodes.includes(o.catalogItemCode))
    out.push(`catalogue item ${o.catalogItemCode} is not one of the rule’s items`);
  if (s.types.length && !s.types.includes(o.type)) out.push(`type ${o.type} is not accepted`);
  if (s.minLevel !== null && (o.level === null || o.level < s.minLevel)) out.push(`level ${o.level ?? 'none'} is below ${s.minLevel}`);
  if (s.minScore !== null && (o.score === null || o.score < s.minScore)) out.push(`score ${o.score ?? 'none'} is below ${s.minScore}`);
  if (s.withinYears !== null) {
    const cutoff = new Date(now);
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - s.withinYears);
    if (o.achievedAt < cutoff.toISOString().slice(0, 10)) out.push(`achieved more than ${s.withinYears} years ago`);
  }
  return out;
}

/** Why new applications cannot use the rule now (empty: it is open). */
export function ruleClosedReasons(rule: ConversionRule, now: Date): string[] {
  if (rule.status !== 'PUBLISHED') return [`the rule is ${rule.status.toLowerCase()}`];
  if (rule.effectiveFrom && now < rule.effectiveFrom) return [`the rule takes effect on ${rule.effectiveFrom.toISOString().slice(0, 10)}`];
  if (rule.effectiveTo && now > rule.effectiveTo) return [`the rule expired on ${rule.effectiveTo.toISOString().slice(0, 10)}`];
  return [];
}

export const creditsRequiredCenti = (rule: Pick<ConversionRule, 'creditsRequired'>): number => toCenti(rule.creditsRequired);

/**
 * The smallest-by-count set of qualifying outcomes that reaches the required credits (largest first,
 * then the oldest, so the suggestion is stable): what the simulator proposes to apply with.
 */
export function suggestOutcomes<T extends { id: string; credits: number; achievedAt: string }>(
  qualifying: readonly T[],
  requiredCenti: number,
): T[] {
  const sorted = [...qualifying].sort(
    (a, b) => b.credits - a.credits || a.achievedAt.localeCompare(b.achievedAt) || a.id.localeCompare(b.id),
  );
  const chosen: T[] = [];
  let sum = 0;
  for (const o of sorted) {
    if (sum >= requiredCenti && chosen.length > 0) break;
    chosen.push(o);
    sum += o.credits;
  }
  return sum >= requiredCenti ? chosen : [];
}
