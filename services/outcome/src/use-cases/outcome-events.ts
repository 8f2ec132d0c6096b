import { OutcomeDeposited, OutcomeRecognized, createEvent, metaFrom, type OutgoingEvent } from '@creditbank/contracts';
import type { CommandContext } from '@creditbank/kernel';
import type { LearningOutcome } from '../domain/outcome';
import type { CatalogItemVersion } from '../domain/projections';

/** The CloudEvents `source` of every event this service publishes. */
export const SOURCE = '/creditbank/outcome';

/** Events of a deposit: deposited, and recognised when it was. */
export function depositEvents(o: LearningOutcome, item: CatalogItemVersion, ctx: CommandContext): OutgoingEvent[] {
  const meta = metaFrom(ctx, o.province, SOURCE);
  const facts = {
    outcomeId: o.id,
    accountNo: o.accountNo,
    idHash: o.idHash,
    province: o.province,
    institutionCode: o.institutionCode,
    source: o.source,
    type: o.type,
    catalogItemCode: o.catalogItemCode,
    catalogItemVersion: o.catalogItemVersion,
    title: o.title,
    hours: o.hours,
    score: o.score,
    achievedAt: o.achievedAt,
  };
  const events: OutgoingEvent[] = [
    createEvent(
      OutcomeDeposited,
      {
        ...facts,
        status: o.status,
        batchId: o.batchId,
        depositedBy: o.depositedBy,
        depositedAt: o.depositedAt.toISOString(),
        nodeId: o.nodeId,
      },
      meta,
    ),
  ];
  if (o.status === 'RECOGNIZED' && o.recognition && o.accountNo) events.push(recognizedEvent(o, item, ctx));
  return events;
}

export function recognizedEvent(o: LearningOutcome, item: CatalogItemVersion, ctx: CommandContext): OutgoingEvent {
  const r = o.recognition!;
  return createEvent(
    OutcomeRecognized,
    {
      outcomeId: o.id,
      accountNo: o.accountNo!,
      idHash: o.idHash,
      province: o.province,
      institutionCode: o.institutionCode,
      source: o.source,
      type: o.type,
      catalogItemCode: o.catalogItemCode,
      catalogItemVersion: r.catalogItemVersion,
      title: o.title,
      hours: o.hours,
      score: o.score,
      achievedAt: o.achievedAt,
      recognizedCredits: r.credits,
      points: r.points,
      creditStandardVersion: r.creditStandardVersion,
      level: item.level,
      track: item.track,
      subtype: item.subtype,
      recognizedBy: r.by,
      recognizedAt: r.at.toISOString(),
    },
    metaFrom(ctx, o.province, SOURCE),
  );
}
