/** What the standards service knows of an institution, learned from the account service's events. */
export type InstitutionCategory = 'ACADEMIC' | 'VOCATIONAL_CERT_ISSUER' | 'VOCATIONAL_TRAINING' | 'NON_ACADEMIC' | 'UNIVERSITY';
export type InstitutionStatus = 'ACTIVE' | 'SUSPENDED' | 'DEREGISTERED';

export interface InstitutionFacts {
  code: string;
  name: string;
  category: InstitutionCategory;
  province: string;
  adminDivision: string;
  status: InstitutionStatus;
  /** When the facts were true at the source (registeredAt / updatedAt of the event): newer wins. */
  factAt: Date;
}

export const INSTITUTION_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export function normaliseInstitutionCode(raw: string): string | null {
  const code = String(raw ?? '')
    .trim()
    .toUpperCase();
  return INSTITUTION_CODE.test(code) ? code : null;
}
