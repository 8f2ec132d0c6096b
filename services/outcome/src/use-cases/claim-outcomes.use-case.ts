import { OutcomeClaimed, createEvent, metaFrom, type OutgoingEvent } from '@creditbank/contracts';
import type { CommandContext } from '@creditbank/kernel';
import { creditYear } from '@creditbank/credit-rules';
import type { LearnerLink } from '../domain/projections';
import { CreditTotals, awaitingOf, decide } from '../domain/recognition';
import { SOURCE, recognizedEvent } from './outcome-events';
import type { OutcomeStore, ProjectionStore } from './ports';

/**
 * When a person's account becomes active, the outcomes deposited for them before (UNCLAIMED, found
 * by the keyed ID hash) are attached to it and recognised where they can be. Idempotent: an outcome
 * is claimed only from UNCLAIMED, so a redelivered event finds nothing left to do.
 */
export async function claimOutcomes(
  deps: { outcomes: OutcomeStore; projections: ProjectionStore },
  link: LearnerLink,
  ctx: CommandContext,
): Promise<number> {
  if (link.status !== 'ACTIVE') return 0;
  const unclaimed = await deps.outcomes.unclaimedOf(link.idHash);
  if (unclaimed.length === 0) return 0;
  const standard = await deps.projections.standardInForce(link.province, ctx.now);
  const items = new Map(
    (await deps.projections.itemVersions(unclaimed.map((o) => ({ code: o.catalogItemCode, version: o.catalogItemVersion ?? 1 })))).map(
      (i) => [`${i.code}@${i.version}`, i],
    ),
  );
  const totals = CreditTotals.from(
    await deps.outcomes.creditHistory(
      [link.accountNo],
      [...new Set(unclaimed.map((o) => creditYear(o.achievedAt)))],
      [...new Set(unclaimed.map((o) => o.catalogItemCode))],
    ),
  );
  let claimed = 0;
  // Oldest first, so annual caps fill in the order the learning happened.
  for (const o of [...unclaimed].sort((a, b) => a.achievedAt.localeCompare(b.achievedAt))) {
    const item = items.get(`${o.catalogItemCode}@${o.catalogItemVersion ?? 1}`);
    const decision = item
      ? decide(o, { link, item, standard, totals, autoAllowed: true, now: ctx.now, by: 'system' })
      : ({ status: 'PENDING_REVIEW', reason: 'Catalogue item unknown' } as const);
    const status = decision.status === 'UNCLAIMED' ? 'PENDING_REVIEW' : decision.status;
    const after = {
      ...o,
      accountNo: link.accountNo,
      province: link.province,
      status,
      statusReason: decision.reason,
      awaiting: awaitingOf(decision),
      recognition: decision.status === 'RECOGNIZED' ? decision.recognition : null,
    };
    const events: OutgoingEvent[] = [
      createEvent(
        OutcomeClaimed,
        { outcomeId: o.id, accountNo: link.accountNo, idHash: o.idHash, province: link.province, status, claimedAt: ctx.now.toISOString() },
        metaFrom(ctx, link.province, SOURCE),
      ),
    ];
    if (decision.status === 'RECOGNIZED' && item) events.push(recognizedEvent(after, item, ctx));
    const updated = await deps.outcomes.update(o.id, o.version, ['UNCLAIMED'], {
      set: {
        accountNo: link.accountNo,
        province: link.province,
        status,
        statusReason: decision.reason,
        awaiting: after.awaiting,
        recognition: after.recognition,
        learnerNameMasked: o.learnerNameMasked ?? link.nameMasked,
      },
      events,
    });
    if (updated) claimed++;
  }
  return claimed;
}
