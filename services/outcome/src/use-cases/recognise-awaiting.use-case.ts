import type { CommandContext } from '@creditbank/kernel';
import { creditYear } from '@creditbank/credit-rules';
import type { LearningOutcome } from '../domain/outcome';
import { awaitingOf, decide } from '../domain/recognition';
import { recognizedEvent } from './outcome-events';
import type { OutcomeStore, ProjectionStore } from './ports';
import { decideWithReservedCredits } from './reserve-credits';

/**
 * Outcomes that wait only for their province's credit standard (PENDING_REVIEW, awaiting
 * `CREDIT_STANDARD`: deposited or claimed before one was in force) are decided again once one is:
 * recognised with credits and an `outcome.recognized` event, or left for a reviewer with the new
 * reason. Page by page in id order, oldest learning first within a page so annual caps fill in the
 * order the learning happened. An outcome changes only from the version read (a reviewer's decision
 * in between wins), so running it twice, or on two replicas, changes nothing more.
 */
export async function recogniseAwaitingStandard(
  deps: { outcomes: OutcomeStore; projections: ProjectionStore },
  province: string,
  ctx: CommandContext,
  pageSize = 200,
): Promise<{ recognised: number; decided: number }> {
  const standard = await deps.projections.standardInForce(province, ctx.now);
  if (!standard) return { recognised: 0, decided: 0 };
  let recognised = 0;
  let decided = 0;
  let afterId: string | null = null;
  for (;;) {
    const page = await deps.outcomes.awaiting(province, 'CREDIT_STANDARD', afterId, pageSize);
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const links = new Map((await deps.projections.linksByIdHash([...new Set(page.map((o) => o.idHash))])).map((l) => [l.accountNo, l]));
    const items = new Map(
      (await deps.projections.itemVersions(page.map((o) => ({ code: o.catalogItemCode, version: o.catalogItemVersion ?? 1 })))).map((i) => [
        `${i.code}@${i.version}`,
        i,
      ]),
    );
    // Oldest first; counted in the learners' credit tallies before the outcomes change, against the
    // tallies as read (see reserve-credits.ts). Unclaimed ones, and ones whose catalogue version is
    // unknown, are left to a reviewer.
    const ready = [...page]
      .sort((a, b) => a.achievedAt.localeCompare(b.achievedAt))
      .filter((o) => o.accountNo && links.has(o.accountNo) && items.has(`${o.catalogItemCode}@${o.catalogItemVersion ?? 1}`));
    const itemOf = (o: LearningOutcome) => items.get(`${o.catalogItemCode}@${o.catalogItemVersion ?? 1}`)!;
    const outcomes = await decideWithReservedCredits(
      deps.outcomes,
      {
        accountNos: [...links.keys()],
        years: [...new Set(ready.map((o) => creditYear(o.achievedAt)))],
        codes: [...new Set(ready.map((o) => o.catalogItemCode))],
        ownIds: new Set(ready.map((o) => o.id)),
      },
      (totals, only) =>
        ready
          .filter((o) => !only || only.has(o.accountNo!))
          .map((o) => {
            const decision = decide(o, {
              link: links.get(o.accountNo!)!,
              item: itemOf(o),
              standard,
              totals,
              autoAllowed: true,
              now: ctx.now,
              by: 'system',
            });
            return {
              ...o,
              status: decision.status === 'UNCLAIMED' ? 'PENDING_REVIEW' : decision.status,
              statusReason: decision.reason,
              awaiting: awaitingOf(decision),
              recognition: decision.status === 'RECOGNIZED' ? decision.recognition : null,
            } satisfies LearningOutcome;
          }),
    );
    const before = new Map(ready.map((o) => [o.id, o]));
    for (const after of outcomes) {
      const o = before.get(after.id)!;
      const updated = await deps.outcomes.update(
        o.id,
        o.version,
        ['PENDING_REVIEW'],
        {
          set: { status: after.status, statusReason: after.statusReason, awaiting: after.awaiting, recognition: after.recognition },
          events: after.status === 'RECOGNIZED' ? [recognizedEvent(after, itemOf(o), ctx)] : [],
        },
        { reserved: after },
      );
      if (!updated) continue;
      decided++;
      if (after.status === 'RECOGNIZED') recognised++;
    }
  }
  return { recognised, decided };
}
