/**
 * What the intake network knows about a learner account, from the account service's events: where
 * it was opened (for `Learner.openedAtNode`) and whether it may enrol in projects. No personal data.
 */
export type LearnerStatus = 'PENDING_VERIFICATION' | 'ACTIVE' | 'FROZEN' | 'CLOSED';

export interface KnownLearner {
  accountNo: string;
  province: string;
  /** The node where the account was opened (intake-point channel), else null. */
  nodeId: string | null;
  status: LearnerStatus;
  /** Time of the newest status fact applied (newer facts win). */
  statusAt: Date;
}
