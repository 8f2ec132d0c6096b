import { LearnerAccountOpened } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { LearnerStore } from '../use-cases/ports';
import { recordAccountOpened } from '../use-cases/record-learner.use-case';

export const learnerAccountOpenedHandler = (learners: LearnerStore) =>
  on(LearnerAccountOpened, (event) =>
    recordAccountOpened(learners, {
      accountNo: event.data.accountNo,
      province: event.data.province,
      nodeId: event.data.nodeId,
      status: event.data.status,
      openedAt: new Date(event.data.openedAt),
    }),
  );
