/**
 * Login back-off: after `freeAttempts` consecutive failures an account is locked, first for
 * `baseSeconds`, doubling with every further failure, up to `maxSeconds`. A success resets it.
 */
export interface LockoutPolicy {
  freeAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { freeAttempts: 5, baseSeconds: 60, maxSeconds: 3600 };

export function lockUntil(failures: number, now: Date, policy: LockoutPolicy = DEFAULT_LOCKOUT): Date | null {
  if (failures < policy.freeAttempts) return null;
  const seconds = Math.min(policy.baseSeconds * 2 ** (failures - policy.freeAttempts), policy.maxSeconds);
  return new Date(now.getTime() + seconds * 1000);
}

export function isLocked(lockedUntil: Date | null | undefined, now: Date): boolean {
  return !!lockedUntil && lockedUntil.getTime() > now.getTime();
}
