import { isLocked, lockUntil } from './login-lockout';

const now = new Date('2026-11-27T00:00:00Z');

describe('login lockout', () => {
  it('allows the first failures, then backs off exponentially up to an hour', () => {
    expect(lockUntil(4, now)).toBeNull();
    expect(lockUntil(5, now)?.getTime()).toBe(now.getTime() + 60_000);
    expect(lockUntil(6, now)?.getTime()).toBe(now.getTime() + 120_000);
    expect(lockUntil(20, now)?.getTime()).toBe(now.getTime() + 3_600_000);
  });

  it('knows when a lock has passed', () => {
    expect(isLocked(new Date(now.getTime() + 1), now)).toBe(true);
    expect(isLocked(now, now)).toBe(false);
    expect(isLocked(null, now)).toBe(false);
  });
});
