import type { Role } from './roles';

/** Who is calling: derived from a verified token only, never from arguments or headers. */
export type Caller = AnonymousCaller | AuthenticatedCaller;

export interface AnonymousCaller {
  readonly kind: 'anonymous';
}

export interface AuthenticatedCaller {
  readonly kind: 'user';
  /** Subject: a staff user id or a learner accountNo. */
  readonly sub: string;
  readonly role: Role;
  /** Two-digit province code from the token's `prov` claim. */
  readonly province: string;
  /** Service node the token is bound to (operators). */
  readonly node?: string;
  /** Institution code the token is bound to (institution admins, partners). */
  readonly inst?: string;
  /** Learner accountNo the token is bound to (learners). */
  readonly acct?: string;
}

export const ANONYMOUS: AnonymousCaller = Object.freeze({ kind: 'anonymous' });

export function isAuthenticated(caller: Caller): caller is AuthenticatedCaller {
  return caller.kind === 'user';
}
