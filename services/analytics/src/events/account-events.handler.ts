import {
  InstitutionRegistered,
  InstitutionUpdated,
  LearnerAccountClosed,
  LearnerAccountFrozen,
  LearnerAccountOpened,
  LearnerAccountUnfrozen,
  LearnerIdentityVerified,
  LearnerProfileUpdated,
} from '@creditbank/contracts';
import { on, type HandlerRegistration } from '@creditbank/events';
import type { FactWriter } from '../use-cases/ports';

/** Learner and institution dimensions from `creditbank.account.v1`. */
export function accountEventHandlers(facts: FactWriter): HandlerRegistration[] {
  const status = (e: { data: { accountNo: string; province: string; status: string; at: string } }) =>
    facts.learnerStatusChanged({ accountNo: e.data.accountNo, province: e.data.province, status: e.data.status, at: e.data.at });
  return [
    on(LearnerAccountOpened, async ({ data: d }) =>
      facts.learnerOpened({
        accountNo: d.accountNo,
        province: d.province,
        adminDivision: d.adminDivision,
        gender: d.gender,
        birthYear: d.birthYear,
        householdId: d.householdId,
        channel: d.channel,
        nodeId: d.nodeId,
        openedAt: d.openedAt,
        status: d.status,
      }),
    ),
    on(LearnerIdentityVerified, async ({ data: d }) =>
      facts.learnerStatusChanged({ accountNo: d.accountNo, province: d.province, status: 'ACTIVE', at: d.verifiedAt }),
    ),
    on(LearnerProfileUpdated, async ({ data: d }) =>
      facts.learnerProfileUpdated({
        accountNo: d.accountNo,
        province: d.province,
        adminDivision: d.adminDivision,
        householdId: d.householdId,
        at: d.updatedAt,
      }),
    ),
    on(LearnerAccountFrozen, async (e) => status(e)),
    on(LearnerAccountUnfrozen, async (e) => status(e)),
    on(LearnerAccountClosed, async (e) => status(e)),
    on(InstitutionRegistered, async ({ data: d }) =>
      facts.institutionChanged({ code: d.code, name: d.name, province: d.province, adminDivision: d.adminDivision, at: d.registeredAt }),
    ),
    on(InstitutionUpdated, async ({ data: d }) =>
      facts.institutionChanged({ code: d.code, name: d.name, province: d.province, adminDivision: d.adminDivision, at: d.updatedAt }),
    ),
  ];
}
