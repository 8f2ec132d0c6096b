import { LearnerAccountClosed, LearnerAccountFrozen, LearnerAccountUnfrozen, LearnerIdentityVerified } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { LearnerStore } from '../use-cases/ports';
import { recordLearnerStatus } from '../use-cases/record-learner.use-case';

/** Account status facts (enrolment needs an ACTIVE account); the newest fact wins. */
export const learnerStatusHandlers = (learners: LearnerStore) => [
  on(LearnerIdentityVerified, (e) =>
    recordLearnerStatus(learners, {
      accountNo: e.data.accountNo,
      province: e.data.province,
      status: 'ACTIVE',
      at: new Date(e.data.verifiedAt),
    }),
  ),
  ...[LearnerAccountFrozen, LearnerAccountUnfrozen, LearnerAccountClosed].map((def) =>
    on(def, (e) =>
      recordLearnerStatus(learners, {
        accountNo: e.data.accountNo,
        province: e.data.province,
        status: e.data.status,
        at: new Date(e.data.at),
      }),
    ),
  ),
];
