import { BadInputError, type Role } from '@creditbank/kernel';

export type StaffRole = Exclude<Role, 'LEARNER'>;

export interface StaffUser {
  id: string;
  username: string;
  displayName: string | null;
  role: StaffRole;
  province: string;
  /** The node an operator was meant to serve when created; the binding itself comes from the intake network. */
  requestedNodeId: string | null;
  institutionCode: string | null;
  status: 'ACTIVE' | 'DISABLED';
  createdAt: Date;
  createdBy: string;
}

/** Usernames start with a letter, so they never look like an account number or a phone number. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{2,31}$/;

/** Which roles a creator may create (PLATFORM_ADMIN: any; CENTER_ADMIN: its province's working roles). */
export function mayCreate(creator: Role, role: StaffRole): boolean {
  if (creator === 'PLATFORM_ADMIN') return true;
  if (creator === 'CENTER_ADMIN') return ['INTAKE_OPERATOR', 'INSTITUTION_ADMIN', 'EXPERT', 'UNIVERSITY_PARTNER', 'ANALYST'].includes(role);
  return false;
}

/** Roles bound to an institution must name one; others must not. */
export function needsInstitution(role: StaffRole): boolean {
  return role === 'INSTITUTION_ADMIN' || role === 'UNIVERSITY_PARTNER';
}

/**
 * Password policy. Staff: at least 10 characters with letters and digits; learners: at least 8. Never
 * the username, and not one character repeated.
 */
export function checkPassword(password: string, field: string, options: { minLength: number; username?: string }): void {
  if (password.length < options.minLength) throw new BadInputError(`Password must be at least ${options.minLength} characters`, field);
  if (password.length > 128) throw new BadInputError('Password must be at most 128 characters', field);
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) throw new BadInputError('Password must contain letters and digits', field);
  if (/^(.)\1+$/.test(password)) throw new BadInputError('Password is too simple', field);
  if (options.username && password.toLowerCase().includes(options.username.toLowerCase())) {
    throw new BadInputError('Password must not contain the username', field);
  }
}
