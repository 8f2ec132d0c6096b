import {
  InstitutionRegistered,
  InstitutionUpdated,
  LearnerAccountClosed,
  LearnerAccountFrozen,
  LearnerAccountOpened,
  LearnerAccountUnfrozen,
  LearnerIdentityVerified,
  type CloudEvent,
} from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { CommandContext } from '@creditbank/kernel';
import type { OutcomeStore, ProjectionStore } from '../use-cases/ports';
import { recordInstitution, recordLearner, recordLearnerStatus } from '../use-cases/projections.use-case';
import { claimOutcomes } from '../use-cases/claim-outcomes.use-case';
import { systemContext } from '../use-cases/access';

const eventContext = (event: CloudEvent): CommandContext => systemContext(event.province, event.requestid ?? event.id, event.traceparent);

/** Learner accounts and institutions, from the account service. Claims outcomes when an account becomes active. */
export function accountEventHandlers(deps: { outcomes: OutcomeStore; projections: ProjectionStore }) {
  return [
    on(LearnerAccountOpened, async (e) => {
      const d = e.data;
      const link = { idHash: d.idHash, accountNo: d.accountNo, province: d.province, status: d.status, nameMasked: d.nameMasked ?? null };
      await recordLearner(deps.projections, link, new Date(d.openedAt));
      if (d.status === 'ACTIVE') await claimOutcomes(deps, link, eventContext(e));
    }),
    on(LearnerIdentityVerified, async (e) => {
      const d = e.data;
      const existing = await deps.projections.linkByAccountNo(d.accountNo);
      const link = {
        idHash: d.idHash,
        accountNo: d.accountNo,
        province: d.province,
        status: 'ACTIVE' as const,
        nameMasked: existing?.nameMasked ?? null,
      };
      await recordLearner(deps.projections, link, new Date(d.verifiedAt));
      await claimOutcomes(deps, link, eventContext(e));
    }),
    on(LearnerAccountFrozen, (e) => recordLearnerStatus(deps.projections, e.data.accountNo, 'FROZEN', new Date(e.data.at), false)),
    on(LearnerAccountUnfrozen, (e) => recordLearnerStatus(deps.projections, e.data.accountNo, 'ACTIVE', new Date(e.data.at), false)),
    on(LearnerAccountClosed, (e) =>
      recordLearnerStatus(deps.projections, e.data.accountNo, 'CLOSED', new Date(e.data.at), e.data.reason === 'IDENTITY_MISMATCH'),
    ),
    on(InstitutionRegistered, (e) => recordInstitution(deps.projections, { ...e.data }, new Date(e.data.registeredAt))),
    on(InstitutionUpdated, (e) => recordInstitution(deps.projections, { ...e.data }, new Date(e.data.updatedAt))),
  ];
}
