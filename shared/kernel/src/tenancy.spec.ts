import { narrowScope, scopeAllows, scopeOf } from './tenancy';
import type { Caller } from './caller';

const staff = (role: 'CENTER_ADMIN' | 'PLATFORM_ADMIN', province = '33'): Caller => ({
  kind: 'user',
  sub: 'u1',
  role,
  province,
});

describe('tenancy', () => {
  it('scopes staff to their province and platform admins to all', () => {
    expect(scopeOf(staff('CENTER_ADMIN'))).toEqual({ province: '33' });
    expect(scopeOf(staff('PLATFORM_ADMIN'))).toEqual({ all: true });
    expect(() => scopeOf({ kind: 'anonymous' })).toThrow(/Authentication/);
  });

  it('lets a province argument narrow but never widen', () => {
    expect(narrowScope({ province: '33' }, '33')).toEqual({ province: '33' });
    expect(() => narrowScope({ province: '33' }, '44')).toThrow(/Not allowed/);
    expect(narrowScope({ all: true }, '44')).toEqual({ province: '44' });
    expect(scopeAllows({ province: '33' }, '44')).toBe(false);
    expect(scopeAllows({ all: true }, '44')).toBe(true);
  });
});
