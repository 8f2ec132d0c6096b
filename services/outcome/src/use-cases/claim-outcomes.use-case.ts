import { OutcomeClaimed, createEvent, metaFrom, type OutgoingEvent } from '@creditbank/contracts';
import type { CommandContext } from '@creditbank/kernel';
import { creditYear } from '@creditbank/credit-rules';
import type { LearningOutcome } from '../domain/outcome';
import type { LearnerLink } from '../domain/projections';
import { awaitingOf, decide } from '../domain/recognition';
import { SOURCE, recognizedEvent } from './outcome-events';
import type { OutcomeStore, ProjectionStore } from './ports';
import { decideWithReservedCredits } from './reserve-credits';

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
  // Oldest first, so annual caps fill in the order the learning happened; counted in the learner's
  // credit tally before the outcomes change, against the tally as read (see reserve-credits.ts).
  const oldestFirst = [...unclaimed].sort((a, b) => a.achievedAt.localeCompare(b.achievedAt));
  const decided = await decideWithReservedCredits(
    deps.outcomes,
    {
      accountNos: [link.accountNo],
      years: [...new Set(unclaimed.map((o) => creditYear(o.achievedAt)))],
      codes: [...new Set(unclaimed.map((o) => o.catalogItemCode))],
      ownIds: new Set(unclaimed.map((o) => o.id)),
    },
    (totals) =>
      oldestFirst.map((o) => {
        const item = items.get(`${o.catalogItemCode}@${o.catalogItemVersion ?? 1}`);
        const decision = item
          ? decide(o, { link, item, standard, totals, autoAllowed: true, now: ctx.now, by: 'system' })
          : ({ status: 'PENDING_REVIEW', reason: 'Catalogue item unknown' } as const);
        return {
          ...o,
          accountNo: link.accountNo,
          province: link.province,
          status: decision.status === 'UNCLAIMED' ? 'PENDING_REVIEW' : decision.status,
          statusReason: decision.reason,
          awaiting: awaitingOf(decision),
          recognition: decision.status === 'RECOGNIZED' ? decision.recognition : null,
        } satisfies LearningOutcome;
      }),
  );
  let claimed = 0;
  for (const [i, after] of decided.entries()) {
    const o = oldestFirst[i]!;
    const item = items.get(`${o.catalogItemCode}@${o.catalogItemVersion ?? 1}`);
    const events: OutgoingEvent[] = [
      createEvent(
        OutcomeClaimed,
        {
          outcomeId: o.id,
          accountNo: link.accountNo,
          idHash: o.idHash,
          province: link.province,
          status: after.status,
          claimedAt: ctx.now.toISOString(),
        },
        metaFrom(ctx, link.province, SOURCE),
      ),
    ];
    if (after.status === 'RECOGNIZED' && item) events.push(recognizedEvent(after, item, ctx));
    const updated = await deps.outcomes.update(
      o.id,
      o.version,
      ['UNCLAIMED'],
      {
        set: {
          accountNo: link.accountNo,
          province: link.province,
          status: after.status,
          statusReason: after.statusReason,
          awaiting: after.awaiting,
          recognition: after.recognition,
          learnerNameMasked: o.learnerNameMasked ?? link.nameMasked,
        },
        events,
      },
      { reserved: after },
    );
    if (updated) claimed++;
  }
  return claimed;
}
