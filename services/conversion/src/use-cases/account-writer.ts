import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import {
  ConversionApproved,
  ConversionCancelled,
  ConversionNeedsReview,
  ConversionPreliminarilyApproved,
  ConversionRejected,
  ConversionSubmitted,
  PointsAwarded,
  RewardRedeemed,
  createEvent,
  type OutgoingEvent,
} from '@creditbank/contracts';
import { ConflictError } from '@creditbank/kernel';
import { emptyAccount, type AccountChange, type Application, type CreditAccount, type Notice } from '../domain/credit-account';
import { fromCenti } from '../domain/ledger';
import type { WebhookEventType } from '../domain/webhook';
import type { ApplicationStore, CreditAccountStore, LedgerStore, WebhookDelivery, WebhookNotice, WebhookStore } from './ports';

export const SOURCE = '/creditbank/conversion';

export interface WriterDeps {
  accounts: CreditAccountStore;
  ledger: LedgerStore;
  applications: ApplicationStore;
  webhooks: WebhookStore;
  /** Errors of the after-write steps are logged (a sweep finishes them). */
  onSettleError?: (error: unknown, accountNo: string) => void;
}

export interface EventContext {
  requestId: string;
  traceparent?: string;
  now: Date;
}

const facts = (app: Application) => ({
  applicationId: app.id,
  accountNo: app.accountNo,
  province: app.province,
  ruleId: app.ruleId,
  ruleVersion: app.ruleVersion,
});

/** The events of a change (they go into the same write, through the outbox). */
export function eventsOf(
  account: CreditAccount,
  notices: readonly Notice[],
  ctx: EventContext,
): Array<{ out: OutgoingEvent; notice: Notice }> {
  const meta = {
    province: account.province,
    source: SOURCE,
    time: ctx.now,
    requestId: ctx.requestId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
  return notices.map((n) => {
    switch (n.kind) {
      case 'submitted':
        return {
          notice: n,
          out: createEvent(
            ConversionSubmitted,
            {
              ...facts(n.app),
              outcomeIds: n.app.outcomeIds,
              creditsReserved: fromCenti(n.app.credits),
              targetKind: n.app.target.kind,
              targetInstitutionCode: n.app.target.institutionCode,
              nodeId: n.app.nodeId,
              submittedBy: n.app.submittedBy,
              submittedAt: n.app.submittedAt,
            },
            meta,
          ),
        };
      case 'preliminarily-approved':
        return {
          notice: n,
          out: createEvent(ConversionPreliminarilyApproved, { ...facts(n.app), reviewedBy: n.by, reviewedAt: n.at }, meta),
        };
      case 'approved':
        return {
          notice: n,
          out: createEvent(
            ConversionApproved,
            {
              ...facts(n.app),
              outcomeIds: n.app.outcomeIds,
              creditsConsumed: fromCenti(n.creditsConsumed),
              target: n.app.target,
              afterReview: n.afterReview,
              decidedBy: n.by,
              decidedAt: n.at,
            },
            meta,
          ),
        };
      case 'rejected':
        return {
          notice: n,
          out: createEvent(
            ConversionRejected,
            {
              ...facts(n.app),
              stage: n.stage,
              reasonCode: n.reasonCode,
              revokedOutcomeId: n.revokedOutcomeId,
              creditsReleased: fromCenti(Math.max(0, n.creditsReleased)),
              rejectedBy: n.by,
              rejectedAt: n.at,
            },
            meta,
          ),
        };
      case 'cancelled':
        return {
          notice: n,
          out: createEvent(
            ConversionCancelled,
            { ...facts(n.app), creditsReleased: fromCenti(n.creditsReleased), cancelledBy: n.by, cancelledAt: n.at },
            meta,
          ),
        };
      case 'needs-review':
        return {
          notice: n,
          out: createEvent(
            ConversionNeedsReview,
            { ...facts(n.app), revokedOutcomeId: n.revokedOutcomeId, targetInstitutionCode: n.app.target.institutionCode, flaggedAt: n.at },
            meta,
          ),
        };
      case 'points':
        return {
          notice: n,
          out: createEvent(
            PointsAwarded,
            {
              accountNo: account.accountNo,
              province: account.province,
              outcomeId: n.outcomeId,
              points: n.points,
              reason: n.reason,
              pointsNotRecovered: n.notRecovered,
              creditStandardVersion: n.creditStandardVersion,
              awardedAt: n.at,
            },
            meta,
          ),
        };
      case 'redeemed':
        return {
          notice: n,
          out: createEvent(
            RewardRedeemed,
            {
              redemptionId: n.redemption.id,
              accountNo: account.accountNo,
              province: account.province,
              itemCode: n.redemption.itemCode,
              kind: n.redemption.kind as 'STUDENT_CARD_TOPUP',
              quantity: n.redemption.quantity,
              pointsSpent: n.redemption.points,
              redeemedBy: n.redemption.by,
              redeemedAt: n.redemption.at,
            },
            meta,
          ),
        };
    }
  });
}

const HOOK_TYPES: Partial<Record<Notice['kind'], WebhookEventType>> = {
  submitted: 'conversion.submitted',
  'preliminarily-approved': 'conversion.preliminarily-approved',
  approved: 'conversion.approved',
  rejected: 'conversion.rejected',
  cancelled: 'conversion.cancelled',
  'needs-review': 'conversion.needs-review',
};

/** What the partner university the application is addressed to hears about (the event's PII-free data). */
export function webhookNotices(events: ReadonlyArray<{ out: OutgoingEvent; notice: Notice }>): WebhookNotice[] {
  return events.flatMap(({ out, notice }) => {
    const type = HOOK_TYPES[notice.kind];
    if (!type || !('app' in notice) || !notice.app.target.institutionCode) return [];
    return [
      {
        eventId: out.event.id,
        type,
        institutionCode: notice.app.target.institutionCode,
        province: notice.app.province,
        occurredAt: out.event.time,
        data: out.event.data as Record<string, unknown>,
      },
    ];
  });
}

export const deliveryId = (subscriptionId: string, eventId: string) =>
  `wd-${createHash('sha256').update(`${subscriptionId}|${eventId}`).digest('hex').slice(0, 32)}`;

/**
 * Finish what a write left to do: append its ledger entries, refresh the applications' read model,
 * enqueue webhook deliveries. Every step is idempotent, so running it twice (or after a crash) is safe.
 */
export async function settleAccount(deps: WriterDeps, accountNo: string): Promise<void> {
  const f = await deps.accounts.followUps(accountNo);
  if (!f) return;
  await deps.ledger.append(f.entries);
  await deps.applications.project(f.apps);
  const deliveries: WebhookDelivery[] = [];
  for (const w of f.webhooks) {
    for (const sub of await deps.webhooks.activeFor(w.institutionCode, w.type)) {
      const createdAt = new Date();
      deliveries.push({
        id: deliveryId(sub.id, w.eventId),
        subscriptionId: sub.id,
        institutionCode: w.institutionCode,
        province: w.province,
        eventId: w.eventId,
        eventType: w.type,
        // Standard Webhooks payload: type, timestamp, data.
        body: JSON.stringify({ type: w.type, timestamp: w.occurredAt, data: w.data }),
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: createdAt,
        leaseUntil: createdAt,
        lastStatusCode: null,
        lastError: null,
        attemptLog: [],
        createdAt,
        deliveredAt: null,
        replays: 0,
      });
    }
  }
  await deps.webhooks.enqueue(deliveries);
  await deps.accounts.clearFollowUps(accountNo, f);
}

export interface ApplyOptions {
  /** Create the account if it does not exist yet (event handlers). */
  create: boolean;
  province: string;
  ctx: EventContext;
}

/**
 * Apply a domain change to a learner's account with optimistic concurrency: read, decide, write if
 * nobody wrote in between, else read again and decide again (bounded, with jitter). The decision is
 * made on the current state every time, so under contention exactly the changes that are still
 * valid succeed. Returns the account after the change (or as it was, when there was nothing to do).
 */
export async function applyToAccount(
  deps: WriterDeps,
  accountNo: string,
  options: ApplyOptions,
  decide: (account: CreditAccount) => AccountChange | null,
): Promise<{ account: CreditAccount | null; change: AccountChange | null }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let account = options.create ? await deps.accounts.ensure(accountNo, options.province) : await deps.accounts.get(accountNo);
    if (!account) {
      // Decide on an empty account first: most requests fail their checks without creating anything.
      if (!decide(emptyAccount(accountNo, options.province))) return { account: null, change: null };
      account = await deps.accounts.ensure(accountNo, options.province);
    }
    const change = decide(account);
    if (!change) return { account, change: null };
    const events = eventsOf(change.account, change.notices, options.ctx);
    const ok = await deps.accounts.commit(
      account,
      change,
      events.map((e) => e.out),
      webhookNotices(events),
    );
    if (ok) {
      try {
        await settleAccount(deps, accountNo);
      } catch (error) {
        deps.onSettleError?.(error, accountNo);
      }
      return { account: change.account, change };
    }
    await sleep(Math.random() * Math.min(50, 2 + attempt * 2));
  }
  throw new ConflictError('The account is busy; please try again');
}
