export type InstitutionCategory = 'ACADEMIC' | 'VOCATIONAL_CERT_ISSUER' | 'VOCATIONAL_TRAINING' | 'NON_ACADEMIC' | 'UNIVERSITY';
export type InstitutionStatus = 'ACTIVE' | 'SUSPENDED' | 'DEREGISTERED';

export const INSTITUTION_CATEGORIES: readonly InstitutionCategory[] = [
  'ACADEMIC',
  'VOCATIONAL_CERT_ISSUER',
  'VOCATIONAL_TRAINING',
  'NON_ACADEMIC',
  'UNIVERSITY',
];
export const INSTITUTION_STATUSES: readonly InstitutionStatus[] = ['ACTIVE', 'SUSPENDED', 'DEREGISTERED'];

/** A school, training centre, certificate issuer or partner university (办学机构 / 发证机构). */
export interface Institution {
  /** Unified social credit code (GB 32100). */
  code: string;
  name: string;
  category: InstitutionCategory;
  province: string;
  adminDivision: string;
  status: InstitutionStatus;
  registeredAt: Date;
  updatedAt: Date;
}
