import { annualCapKeys, computeCredits, creditYear, type CreditComputation, type OutcomeType } from '@creditbank/credit-rules';
import type { CatalogItemVersion, CreditStandardVersion, LearnerLink } from './projections';
import { recognitionFrom, type Awaiting, type OutcomeStatus, type Recognition } from './outcome';

/** The learner's running totals for the caps (kept up to date while a batch is processed). */
export class CreditTotals {
  private readonly year = new Map<string, number>();
  private readonly item = new Map<string, number>();

  addYear(accountNo: string, year: number, capKey: string, credits: number): void {
    const k = `${accountNo}|${year}|${capKey}`;
    this.year.set(k, (this.year.get(k) ?? 0) + credits);
  }

  addItem(accountNo: string, code: string, credits: number): void {
    const k = `${accountNo}|${code}`;
    this.item.set(k, (this.item.get(k) ?? 0) + credits);
  }

  history(accountNo: string, year: number, capKeys: readonly string[], code: string) {
    const yearToDate: Record<string, number> = {};
    for (const key of capKeys) yearToDate[key] = this.year.get(`${accountNo}|${year}|${key}`) ?? 0;
    return { yearToDate, itemToDate: this.item.get(`${accountNo}|${code}`) ?? 0 };
  }

  /** Totals from recognised outcomes already stored. */
  static from(
    history: Iterable<{ accountNo: string; year: number; capKeys: readonly string[]; catalogItemCode: string; credits: number }>,
  ): CreditTotals {
    const totals = new CreditTotals();
    for (const h of history) {
      for (const key of h.capKeys) totals.addYear(h.accountNo, h.year, key, h.credits);
      totals.addItem(h.accountNo, h.catalogItemCode, h.credits);
    }
    return totals;
  }

  /** Count a recognition so the next computations see it. */
  record(accountNo: string, c: CreditComputation, code: string): void {
    for (const key of c.annualCapKeys) this.addYear(accountNo, c.year, key, c.credits);
    this.addItem(accountNo, code, c.credits);
  }
}

export interface OutcomeForRecognition {
  type: OutcomeType;
  hours: number | null;
  credits: number | null;
  score: number | null;
  achievedAt: string;
}

export type Decision =
  | { status: 'UNCLAIMED'; reason: null }
  | { status: 'PENDING_REVIEW'; reason: string; awaiting?: Awaiting }
  | { status: 'RECOGNIZED'; reason: null; recognition: Recognition; computation: CreditComputation };

/**
 * Automatic recognition (认定): a claimed, active learner; a published catalogue item version; the
 * credit standard in force in the learner's province; and a channel that allows it (an accredited
 * issuer). Anything short of that waits for a reviewer, with the reason.
 */
export function decide(
  outcome: OutcomeForRecognition,
  ctx: {
    link: LearnerLink | null;
    item: CatalogItemVersion;
    standard: CreditStandardVersion | null;
    totals: CreditTotals;
    autoAllowed: boolean;
    autoBlockedReason?: string;
    now: Date;
    by: string;
  },
): Decision {
  if (!ctx.link) return { status: 'UNCLAIMED', reason: null };
  if (ctx.link.status !== 'ACTIVE') return { status: 'PENDING_REVIEW', reason: `The learner’s account is ${ctx.link.status}` };
  if (!ctx.autoAllowed) return { status: 'PENDING_REVIEW', reason: ctx.autoBlockedReason ?? 'Needs review' };
  return recognise(outcome, { ...ctx, link: ctx.link });
}

/** Compute credits now (automatic recognition, or a reviewer's approval). */
export function recognise(
  outcome: OutcomeForRecognition,
  ctx: { link: LearnerLink; item: CatalogItemVersion; standard: CreditStandardVersion | null; totals: CreditTotals; now: Date; by: string },
): Decision {
  if (!ctx.standard)
    return {
      status: 'PENDING_REVIEW',
      reason: `No credit standard is in force in province ${ctx.link.province}`,
      awaiting: 'CREDIT_STANDARD',
    };
  const year = creditYear(outcome.achievedAt);
  const keys = annualCapKeys(ctx.item, ctx.standard);
  const computation = computeCredits({
    outcome,
    item: ctx.item,
    standard: ctx.standard,
    history: ctx.totals.history(ctx.link.accountNo, year, keys, ctx.item.code),
    asOf: ctx.now,
  });
  if (!computation.eligible) return { status: 'PENDING_REVIEW', reason: `Not recognised automatically: ${computation.reason}` };
  ctx.totals.record(ctx.link.accountNo, computation, ctx.item.code);
  return { status: 'RECOGNIZED', reason: null, recognition: recognitionFrom(computation, ctx.by, ctx.now), computation };
}

/** YYYY-MM-DD in China Standard Time of a date or date-time. */
export function localDate(achievedAt: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(achievedAt)) return achievedAt;
  const ms = Date.parse(achievedAt);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

export const FINAL: readonly OutcomeStatus[] = ['REJECTED', 'REVOKED'];

/** What an outcome decided so waits for (stored with it), if anything. */
export function awaitingOf(decision: Decision): Awaiting | null {
  return decision.status === 'PENDING_REVIEW' ? (decision.awaiting ?? null) : null;
}
