import { OutcomeRecognized, OutcomeRevoked, type CloudEvent } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { EventContext, WriterDeps } from '../use-cases/account-writer';
import { recordOutcomeRecognized, recordOutcomeRevoked } from '../use-cases/record-outcome.use-case';

export const eventContext = (e: CloudEvent): EventContext => ({
  requestId: e.requestid ?? e.id,
  ...(e.traceparent ? { traceparent: e.traceparent } : {}),
  now: new Date(),
});

/** Recognised and revoked outcomes, from the outcome service: the credits and points of the ledger. */
export function outcomeEventHandlers(deps: WriterDeps) {
  return [
    on(OutcomeRecognized, (e) => {
      const d = e.data;
      return recordOutcomeRecognized(deps, eventContext(e), d.accountNo, d.province, {
        id: d.outcomeId,
        type: d.type,
        catalogItemCode: d.catalogItemCode,
        level: d.level,
        score: d.score,
        achievedAt: d.achievedAt,
        title: d.title,
        institutionCode: d.institutionCode,
        credits: d.recognizedCredits,
        points: d.points,
        creditStandardVersion: d.creditStandardVersion,
        recognizedAt: d.recognizedAt,
      });
    }),
    on(OutcomeRevoked, async (e) => {
      // An outcome revoked before it had an account never reached a ledger.
      if (!e.data.accountNo) return;
      await recordOutcomeRevoked(deps, eventContext(e), e.data.accountNo, e.data.outcomeId);
    }),
  ];
}
