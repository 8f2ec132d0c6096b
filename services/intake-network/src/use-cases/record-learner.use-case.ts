import type { LearnerStatus } from '../domain/learner';
import type { LearnerStore } from './ports';

/** An account was opened (where, and its first status). Idempotent. */
export async function recordAccountOpened(
  store: LearnerStore,
  facts: { accountNo: string; province: string; nodeId: string | null; status: LearnerStatus; openedAt: Date },
): Promise<void> {
  await store.recordOrigin(facts.accountNo, facts.province, facts.nodeId);
  await store.recordStatus(facts.accountNo, facts.province, facts.status, facts.openedAt);
}

/** A later status fact (verified, frozen, unfrozen, closed); the newest wins. */
export async function recordLearnerStatus(
  store: LearnerStore,
  facts: { accountNo: string; province: string; status: LearnerStatus; at: Date },
): Promise<void> {
  await store.recordStatus(facts.accountNo, facts.province, facts.status, facts.at);
}
