import { LearnerAccountOpened } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { AccountFactStore } from '../use-cases/ports';

export const learnerAccountOpenedHandler = (facts: AccountFactStore) =>
  on(LearnerAccountOpened, async (event) => {
    const d = event.data;
    await facts.add({
      accountNo: d.accountNo,
      province: d.province,
      adminDivision: d.adminDivision,
      gender: d.gender,
      birthYear: d.birthYear,
      householdId: d.householdId,
      channel: d.channel,
      nodeId: d.nodeId,
      openedAt: new Date(d.openedAt),
    });
  });
