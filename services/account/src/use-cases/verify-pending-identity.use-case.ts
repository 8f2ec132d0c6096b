import { LearnerAccountClosed, LearnerIdentityVerified, createEvent } from '@creditbank/contracts';
import { provinceOfAccountNo } from '@creditbank/kernel';
import type { Learner } from '../domain/learner';
import { learnerFacts } from './event-meta';
import type { IdentityVerifier, LearnerStore } from './ports';

export interface VerifyPendingDeps {
  learners: LearnerStore;
  verifier: IdentityVerifier;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
}

export type VerifyOutcome =
  { kind: 'none' } | { kind: 'activated' | 'closed'; learner: Learner } | { kind: 'postponed'; accountNo: string; next: Date };

/** Back-off for undecided checks: base · 2^(attempts−1), capped, with ±20 % jitter. */
export function nextAttemptDelay(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/**
 * One step of the background verifier: take a due pending account, ask the real-name service again,
 * and decide: ACTIVE (identity-verified), CLOSED for a mismatch (the person may register again), or
 * try again later with back-off.
 */
export async function verifyOnePendingIdentity(deps: VerifyPendingDeps, now: Date): Promise<VerifyOutcome> {
  const pending = await deps.learners.claimDueVerification(now, deps.leaseMs);
  if (!pending) return { kind: 'none' };
  const check = await deps.verifier.verify(pending.idNumber, pending.name);
  const province = provinceOfAccountNo(pending.accountNo);
  const meta = { province, source: '/creditbank/account', time: now };
  if (check.result === 'unavailable') {
    const attempts = pending.attempts + 1;
    const next = new Date(now.getTime() + nextAttemptDelay(attempts, deps.retryBaseMs, deps.retryMaxMs));
    await deps.learners.postponeVerification(pending.accountNo, attempts, next, check.detail ?? 'unavailable');
    return { kind: 'postponed', accountNo: pending.accountNo, next };
  }
  if (check.result === 'match') {
    const [current] = await deps.learners.findByAccountNos({ all: true }, [pending.accountNo]);
    if (!current) return { kind: 'none' };
    const learner = await deps.learners.update(pending.accountNo, pending.version, {
      set: { status: 'ACTIVE', statusReason: null, nextVerificationAt: null },
      audit: {
        at: now,
        by: 'system',
        action: 'VERIFIED',
        reason: 'real-name check matched',
        changes: [{ field: 'status', from: 'PENDING_VERIFICATION', to: 'ACTIVE' }],
      },
      events: [createEvent(LearnerIdentityVerified, { ...learnerFacts(current), verifiedAt: now.toISOString() }, meta)],
    });
    return learner ? { kind: 'activated', learner } : { kind: 'none' };
  }
  const reason = 'IDENTITY_MISMATCH';
  const learner = await deps.learners.update(pending.accountNo, pending.version, {
    set: { status: 'CLOSED', statusReason: reason, releaseIdHash: true, nextVerificationAt: null },
    audit: { at: now, by: 'system', action: 'CLOSED', reason, changes: [{ field: 'status', from: 'PENDING_VERIFICATION', to: 'CLOSED' }] },
    events: [
      createEvent(
        LearnerAccountClosed,
        {
          accountNo: pending.accountNo,
          province,
          status: 'CLOSED',
          previousStatus: 'PENDING_VERIFICATION',
          reason,
          by: 'system',
          at: now.toISOString(),
        },
        meta,
      ),
    ],
  });
  return learner ? { kind: 'closed', learner } : { kind: 'none' };
}
