import { OutcomeClaimed, OutcomeDeposited, OutcomeRecognized, OutcomeRejected, OutcomeRevoked } from '@creditbank/contracts';
import { on, type HandlerRegistration } from '@creditbank/events';
import type { FactWriter } from '../use-cases/ports';

/** Outcome facts from `creditbank.outcome.v1`: each event sets its own part of the outcome's document. */
export function outcomeEventHandlers(facts: FactWriter): HandlerRegistration[] {
  return [
    on(OutcomeDeposited, async ({ data: d }) =>
      facts.outcomeDeposited({
        outcomeId: d.outcomeId,
        province: d.province,
        accountNo: d.accountNo,
        source: d.source,
        type: d.type,
        catalogItemCode: d.catalogItemCode,
        title: d.title,
        institutionCode: d.institutionCode,
        status: d.status,
        depositedBy: d.depositedBy,
        depositedAt: d.depositedAt,
      }),
    ),
    on(OutcomeRecognized, async ({ data: d }) =>
      facts.outcomeRecognized({
        outcomeId: d.outcomeId,
        accountNo: d.accountNo,
        province: d.province,
        type: d.type,
        catalogItemCode: d.catalogItemCode,
        title: d.title,
        level: d.level,
        track: d.track,
        institutionCode: d.institutionCode,
        credits: d.recognizedCredits,
        score: d.score,
        day: d.recognizedAt.slice(0, 10),
        achievedAt: d.achievedAt,
        at: d.recognizedAt,
      }),
    ),
    on(OutcomeRejected, async ({ data: d }) => facts.outcomeRejected({ outcomeId: d.outcomeId, province: d.province, at: d.rejectedAt })),
    on(OutcomeRevoked, async ({ data: d }) => facts.outcomeRevoked({ outcomeId: d.outcomeId, province: d.province, at: d.revokedAt })),
    on(OutcomeClaimed, async ({ data: d }) =>
      facts.outcomeClaimed({ outcomeId: d.outcomeId, province: d.province, accountNo: d.accountNo, at: d.claimedAt }),
    ),
  ];
}
