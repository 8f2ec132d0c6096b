import { ACCOUNT_NO_PATTERN, BadInputError, ForbiddenError, UnauthenticatedError, isValidAccountNo } from '@creditbank/kernel';
import { MOBILE_PATTERN } from '@creditbank/identity';
import { isLocked, lockUntil, type LockoutPolicy } from '../domain/login-lockout';
import type { Keyed, LearnerCredential, LearnerStore, OperatorAssignmentStore, PasswordHasher, StaffStore, TokenIssuer } from './ports';

export interface LoginDeps {
  learners: LearnerStore;
  staff: StaffStore;
  assignments: OperatorAssignmentStore;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  keyed: Keyed;
  lockout: LockoutPolicy;
  /** A valid hash of a random password: verified when no user matches, so timing says nothing. */
  decoyHash: string;
}

export interface AuthPayload {
  token: string;
  expiresAt: Date;
  role: string;
}

/** One message for every failed attempt, so nobody can learn which usernames exist. */
const FAILED = 'Invalid username or password, or too many attempts; please try again later';

/**
 * Log in staff (by username) and learners (by accountNo or mobile phone). Consecutive failures lock
 * the account with exponential back-off. Tokens carry role, province and binding: an operator's node
 * is whatever the intake network last assigned them.
 */
export async function login(deps: LoginDeps, usernameRaw: string, password: string, now: Date): Promise<AuthPayload> {
  if (usernameRaw.length > 64 || password.length > 128)
    throw new BadInputError('Username or password too long', usernameRaw.length > 64 ? 'username' : 'password');
  const username = usernameRaw.trim();

  if (ACCOUNT_NO_PATTERN.test(username) || MOBILE_PATTERN.test(username)) {
    let credential: LearnerCredential | null = null;
    if (isValidAccountNo(username)) credential = await deps.learners.credentialByAccountNo(username);
    else if (MOBILE_PATTERN.test(username)) {
      const matches = (await deps.learners.credentialsByPhoneHash(deps.keyed.phoneHash(username))).filter((c) => c.status !== 'CLOSED');
      credential = matches.length === 1 ? matches[0]! : null;
    }
    if (!credential || isLocked(credential.lockedUntil, now)) {
      await deps.passwords.verify(password, deps.decoyHash);
      throw new UnauthenticatedError(FAILED);
    }
    if (!(await deps.passwords.verify(password, credential.passwordHash))) {
      await deps.learners.recordLoginFailure(credential.accountNo, lockUntil(credential.failedLogins + 1, now, deps.lockout));
      throw new UnauthenticatedError(FAILED);
    }
    await deps.learners.recordLoginSuccess(credential.accountNo);
    if (credential.status !== 'ACTIVE') {
      throw new ForbiddenError(
        credential.status === 'PENDING_VERIFICATION'
          ? 'Your account is waiting for identity verification'
          : credential.status === 'FROZEN'
            ? 'Your account is frozen; please contact your intake point'
            : 'Your account is closed',
      );
    }
    const { token, expiresAt } = deps.tokens.issue({
      sub: credential.accountNo,
      role: 'LEARNER',
      prov: credential.province,
      acct: credential.accountNo,
    });
    return { token, expiresAt, role: 'LEARNER' };
  }

  const credential = await deps.staff.credentialByUsername(username.toLowerCase());
  if (!credential || credential.status !== 'ACTIVE' || isLocked(credential.lockedUntil, now)) {
    await deps.passwords.verify(password, deps.decoyHash);
    throw new UnauthenticatedError(FAILED);
  }
  if (!(await deps.passwords.verify(password, credential.passwordHash))) {
    await deps.staff.recordLoginFailure(credential.id, lockUntil(credential.failedLogins + 1, now, deps.lockout));
    throw new UnauthenticatedError(FAILED);
  }
  await deps.staff.recordLoginSuccess(credential.id);
  const node = credential.role === 'INTAKE_OPERATOR' ? await deps.assignments.nodeOf(credential.id) : null;
  const { token, expiresAt } = deps.tokens.issue({
    sub: credential.id,
    role: credential.role,
    prov: credential.province,
    ...(node ? { node } : {}),
    ...(credential.institutionCode ? { inst: credential.institutionCode } : {}),
  });
  return { token, expiresAt, role: credential.role };
}
