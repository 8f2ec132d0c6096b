/**
 * The credit ledger (积累): immutable entries; balances are always the fold of the entries, and a
 * correction is a new (reversing) entry, never an edit. Credits are kept in hundredths (integers) so
 * the fold is exact; the graph shows them as decimals.
 */
export type LedgerEntryKind = 'RECOGNIZED' | 'RESERVED' | 'RELEASED' | 'CONSUMED' | 'REVERSED' | 'POINTS_AWARDED' | 'POINTS_REDEEMED';

/** Balances: credits in hundredths, points as whole points. */
export interface Balances {
  recognized: number;
  reserved: number;
  consumed: number;
  pointsEarned: number;
  pointsRedeemed: number;
}

export const ZERO: Balances = Object.freeze({ recognized: 0, reserved: 0, consumed: 0, pointsEarned: 0, pointsRedeemed: 0 });

export interface LedgerRef {
  outcomeIds: string[];
  applicationId: string | null;
  redemptionId: string | null;
}

export interface LedgerEntry {
  /** `<accountNo>:<seq, 10 digits>`: deterministic, so writing an entry twice is harmless. */
  id: string;
  accountNo: string;
  province: string;
  /** 1, 2, 3… per account, without gaps. */
  seq: number;
  kind: LedgerEntryKind;
  /** Change of each balance (hundredths of credits, points). */
  delta: Balances;
  ref: LedgerRef;
  /** What happened, for the learner (no personal data). */
  note: string | null;
  at: string;
}

export const toCenti = (credits: number): number => Math.round(credits * 100);
export const fromCenti = (centi: number): number => centi / 100;

export function ledgerEntryId(accountNo: string, seq: number): string {
  return `${accountNo}:${String(seq).padStart(10, '0')}`;
}

export function add(a: Balances, d: Partial<Balances>): Balances {
  return {
    recognized: a.recognized + (d.recognized ?? 0),
    reserved: a.reserved + (d.reserved ?? 0),
    consumed: a.consumed + (d.consumed ?? 0),
    pointsEarned: a.pointsEarned + (d.pointsEarned ?? 0),
    pointsRedeemed: a.pointsRedeemed + (d.pointsRedeemed ?? 0),
  };
}

/** The balances the entries add up to (in seq order; the fold is order-independent anyway). */
export function fold(entries: ReadonlyArray<Pick<LedgerEntry, 'delta'>>): Balances {
  return entries.reduce<Balances>((acc, e) => add(acc, e.delta), { ...ZERO });
}

export const availableCredits = (b: Balances): number => b.recognized - b.reserved - b.consumed;
export const availablePoints = (b: Balances): number => b.pointsEarned - b.pointsRedeemed;

/** Every balance is a whole number and none is negative, and what is available is never negative. */
export function balanceProblems(b: Balances): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(b)) {
    if (!Number.isInteger(v)) out.push(`${k} is not whole (${v})`);
    if (v < 0) out.push(`${k} is negative (${v})`);
  }
  if (availableCredits(b) < 0) out.push(`available credits are negative (${availableCredits(b)})`);
  if (availablePoints(b) < 0) out.push(`available points are negative (${availablePoints(b)})`);
  return out;
}

export function sameBalances(a: Balances, b: Balances): boolean {
  return (
    a.recognized === b.recognized &&
    a.reserved === b.reserved &&
    a.consumed === b.consumed &&
    a.pointsEarned === b.pointsEarned &&
    a.pointsRedeemed === b.pointsRedeemed
  );
}
