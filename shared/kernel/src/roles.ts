/** Every role of DESIGN.md §4. The JWT `role` claim carries exactly one of these. */
export const ROLES = [
  'LEARNER',
  'INTAKE_OPERATOR',
  'INSTITUTION_ADMIN',
  'EXPERT',
  'UNIVERSITY_PARTNER',
  'CENTER_ADMIN',
  'ANALYST',
  'PLATFORM_ADMIN',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Province codes are the two-digit GB/T 2260 prefixes ("33" is Zhejiang). */
export const PROVINCE_CODE = /^[1-9][0-9]$/;

export function isProvinceCode(value: unknown): value is string {
  return typeof value === 'string' && PROVINCE_CODE.test(value);
}
