import { LearnerAccountOpened } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { LearnerOriginStore } from '../use-cases/ports';
import { recordLearnerOrigin } from '../use-cases/record-learner-origin.use-case';

export const learnerAccountOpenedHandler = (origins: LearnerOriginStore) =>
  on(LearnerAccountOpened, (event) =>
    recordLearnerOrigin(origins, { accountNo: event.data.accountNo, province: event.data.province, nodeId: event.data.nodeId }),
  );
