import {
  LearnerAccountClosed,
  LearnerAccountFrozen,
  LearnerAccountOpened,
  LearnerAccountUnfrozen,
  LearnerIdentityVerified,
} from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { WriterDeps } from '../use-cases/account-writer';
import { recordAccountStatus } from '../use-cases/record-outcome.use-case';
import { eventContext } from './outcome-events.handler';

/** Learner account status, from the account service: frozen and closed accounts neither convert nor redeem. */
export function accountEventHandlers(deps: WriterDeps) {
  return [
    on(LearnerAccountOpened, (e) =>
      recordAccountStatus(deps, eventContext(e), e.data.accountNo, e.data.province, e.data.status, e.data.openedAt),
    ),
    on(LearnerIdentityVerified, (e) =>
      recordAccountStatus(deps, eventContext(e), e.data.accountNo, e.data.province, 'ACTIVE', e.data.verifiedAt),
    ),
    on(LearnerAccountFrozen, (e) => recordAccountStatus(deps, eventContext(e), e.data.accountNo, e.data.province, 'FROZEN', e.data.at)),
    on(LearnerAccountUnfrozen, (e) => recordAccountStatus(deps, eventContext(e), e.data.accountNo, e.data.province, 'ACTIVE', e.data.at)),
    on(LearnerAccountClosed, (e) => recordAccountStatus(deps, eventContext(e), e.data.accountNo, e.data.province, 'CLOSED', e.data.at)),
  ];
}
