import { ConflictError } from '@creditbank/kernel';
import { CreditTotals } from '../domain/recognition';
import type { OutcomeStore, TalliedOutcome } from './ports';

/** Rounds of deciding again for learners whose credit tally another writer changed meanwhile. */
const MAX_ROUNDS = 10;

/**
 * Decide outcomes against their learners' credit totals, and count the recognised ones in the
 * learners' tallies before they are stored: each learner's only if no other writer (an import, a
 * deposit, a review for the same person at the same moment) changed the tally since it was read.
 * The learners whose tally moved are read again and their outcomes decided again, so no annual or
 * per-item cap is exceeded however many writers run at once. After MAX_ROUNDS the reservations are
 * taken back and the call is refused with CONFLICT (sending it again is safe).
 *
 * `decide(totals, only)` decides, in order, the outcomes of the learners in `only` (all when null)
 * with `totals`, and returns them. Entries of `ownIds` already in a tally (left by an attempt that did
 * not store its outcome) are not counted against the outcome itself. Returns the final decisions, in
 * the order of the first call.
 */
export async function decideWithReservedCredits<T extends TalliedOutcome>(
  outcomes: Pick<OutcomeStore, 'creditTallies' | 'reserveCredits' | 'releaseCredits'>,
  scope: { accountNos: readonly string[]; years: readonly number[]; codes: readonly string[]; ownIds: ReadonlySet<string> },
  decide: (totals: CreditTotals, only: ReadonlySet<string> | null) => T[],
): Promise<T[]> {
  let read = await outcomes.creditTallies(scope.accountNos, scope.years, scope.codes);
  const totalsOf = () => CreditTotals.from(read.rows.filter((r) => !scope.ownIds.has(r.outcomeId)));
  let pending = decide(totalsOf(), null);
  const decided = new Map(pending.map((o) => [o.id, o]));
  const reserved: T[] = [];
  for (let round = 1; ; round++) {
    const { moved } = await outcomes.reserveCredits(pending, read.versions);
    reserved.push(...pending.filter((o) => !o.accountNo || !moved.has(o.accountNo)));
    if (moved.size === 0) return [...decided.values()];
    if (round === MAX_ROUNDS) {
      await outcomes.releaseCredits(reserved);
      throw new ConflictError("Other writes kept changing these learners' credit totals; send the request again", { learners: moved.size });
    }
    read = await outcomes.creditTallies([...moved], scope.years, scope.codes);
    pending = decide(totalsOf(), moved);
    for (const o of pending) decided.set(o.id, o);
  }
}
