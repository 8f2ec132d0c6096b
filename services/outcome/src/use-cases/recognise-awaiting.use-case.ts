import type { CommandContext } from '@creditbank/kernel';
import { creditYear } from '@creditbank/credit-rules';
import { CreditTotals, awaitingOf, decide } from '../domain/recognition';
import { recognizedEvent } from './outcome-events';
import type { OutcomeStore, ProjectionStore } from './ports';

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
    const totals = CreditTotals.from(
      await deps.outcomes.creditHistory(
        [...links.keys()],
        [...new Set(page.map((o) => creditYear(o.achievedAt)))],
        [...new Set(page.map((o) => o.catalogItemCode))],
      ),
    );
    for (const o of [...page].sort((a, b) => a.achievedAt.localeCompare(b.achievedAt))) {
      const link = o.accountNo ? links.get(o.accountNo) : undefined;
      const item = items.get(`${o.catalogItemCode}@${o.catalogItemVersion ?? 1}`);
      if (!link || !item) continue; // not claimed, or its catalogue version unknown: a reviewer decides
      const decision = decide(o, { link, item, standard, totals, autoAllowed: true, now: ctx.now, by: 'system' });
      const status = decision.status === 'UNCLAIMED' ? 'PENDING_REVIEW' : decision.status;
      const recognition = decision.status === 'RECOGNIZED' ? decision.recognition : null;
      const after = { ...o, status, statusReason: decision.reason, awaiting: awaitingOf(decision), recognition };
      const updated = await deps.outcomes.update(o.id, o.version, ['PENDING_REVIEW'], {
        set: { status, statusReason: after.statusReason, awaiting: after.awaiting, recognition },
        events: decision.status === 'RECOGNIZED' ? [recognizedEvent(after, item, ctx)] : [],
      });
      if (!updated) continue;
      decided++;
      if (decision.status === 'RECOGNIZED') recognised++;
    }
  }
  return { recognised, decided };
}
