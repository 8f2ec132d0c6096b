import { InstitutionRegistered, InstitutionUpdated } from '@creditbank/contracts';
import { on } from '@creditbank/events';
import type { InstitutionStore } from '../use-cases/ports';
import { recordInstitution } from '../use-cases/record-institution.use-case';

/** Institutions come from the account service; the projection keeps the newest facts of each. */
export const institutionRegisteredHandler = (store: InstitutionStore) =>
  on(InstitutionRegistered, (e) =>
    recordInstitution(store, {
      code: e.data.code,
      name: e.data.name,
      category: e.data.category,
      province: e.data.province,
      adminDivision: e.data.adminDivision,
      status: e.data.status,
      factAt: new Date(e.data.registeredAt),
    }),
  );

export const institutionUpdatedHandler = (store: InstitutionStore) =>
  on(InstitutionUpdated, (e) =>
    recordInstitution(store, {
      code: e.data.code,
      name: e.data.name,
      category: e.data.category,
      province: e.data.province,
      adminDivision: e.data.adminDivision,
      status: e.data.status,
      factAt: new Date(e.data.updatedAt),
    }),
  );
