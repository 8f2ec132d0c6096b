import type { Caller, TenantScope } from '@creditbank/kernel';

/**
 * Who sees an institution's accreditation: like the institution itself in the account service —
 * staff of its province, PLATFORM_ADMIN, and learners (their archives name the institutions that
 * deposited their outcomes). Another province's institution looks missing.
 */
export function institutionScope(caller: Caller): TenantScope | null {
  if (caller.kind !== 'user') return null;
  if (caller.role === 'LEARNER' || caller.role === 'PLATFORM_ADMIN') return { all: true };
  return { province: caller.province };
}

/**
 * Who sees course certifications: an institution admin those of its own institution; experts and the
 * centre admin those of their province; PLATFORM_ADMIN all. Everyone else nothing.
 */
export type CertificationView = { scope: TenantScope; institution: string | null; reviewerIds: boolean };

export function certificationView(caller: Caller): CertificationView | null {
  if (caller.kind !== 'user') return null;
  switch (caller.role) {
    case 'INSTITUTION_ADMIN':
      return caller.inst ? { scope: { province: caller.province }, institution: caller.inst, reviewerIds: false } : null;
    case 'EXPERT':
    case 'CENTER_ADMIN':
      return { scope: { province: caller.province }, institution: null, reviewerIds: true };
    case 'PLATFORM_ADMIN':
      return { scope: { all: true }, institution: null, reviewerIds: true };
    default:
      return null;
  }
}

/** The actor recorded in audit trails and events. */
export function actorOf(caller: Caller): string {
  return caller.kind === 'user' ? caller.sub.slice(0, 64) : 'anonymous';
}
