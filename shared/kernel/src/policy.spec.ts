import { PUBLIC, allow, authorize } from './policy';
import type { Caller } from './caller';

const operator: Caller = { kind: 'user', sub: 'o', role: 'INTAKE_OPERATOR', province: '33', node: 'n1' };
const unbound: Caller = { kind: 'user', sub: 'o', role: 'INTAKE_OPERATOR', province: '33' };
const platform: Caller = { kind: 'user', sub: 'p', role: 'PLATFORM_ADMIN', province: '11' };
const anon: Caller = { kind: 'anonymous' };

describe('authorize', () => {
  it('denies by default', () => {
    expect(() => authorize(operator, undefined)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }) as Error);
  });

  it('lets anyone call public operations', () => {
    expect(() => authorize(anon, PUBLIC)).not.toThrow();
  });

  it('requires a token, a role and a binding', () => {
    const rule = allow(['INTAKE_OPERATOR'], { requires: ['node'] });
    expect(() => authorize(anon, rule)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }) as Error);
    expect(() => authorize(platform, rule)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }) as Error);
    expect(() => authorize(unbound, rule)).toThrow(/service node/);
    expect(() => authorize(operator, rule)).not.toThrow();
  });

  it('keeps a named province to the caller’s own, except for platform admins', () => {
    const rule = allow(['INTAKE_OPERATOR', 'PLATFORM_ADMIN'], { provinceOf: (a) => (a['input'] as { province?: string }).province });
    expect(() => authorize(operator, rule, { input: { province: '44' } })).toThrow(/province/);
    expect(() => authorize(operator, rule, { input: { province: '33' } })).not.toThrow();
    expect(() => authorize(platform, rule, { input: { province: '44' } })).not.toThrow();
  });
});
