import type { LearnerOriginStore } from './ports';

export interface AccountOpenedFacts {
  accountNo: string;
  province: string;
  nodeId: string | null;
}

/** Keep where each account was opened, for `Learner.openedAtNode`. Idempotent. */
export async function recordLearnerOrigin(store: LearnerOriginStore, facts: AccountOpenedFacts): Promise<void> {
  await store.record({ accountNo: facts.accountNo, province: facts.province, nodeId: facts.nodeId });
}
