import { assertTransition, canTransition, type AccountStatus } from './learner';

const ALL: AccountStatus[] = ['PENDING_VERIFICATION', 'ACTIVE', 'FROZEN', 'CLOSED'];

describe('account status machine', () => {
  const allowed = new Set([
    'PENDING_VERIFICATION>ACTIVE',
    'PENDING_VERIFICATION>CLOSED',
    'ACTIVE>FROZEN',
    'ACTIVE>CLOSED',
    'FROZEN>ACTIVE',
    'FROZEN>CLOSED',
  ]);
  it.each(ALL.flatMap((from) => ALL.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const ok = allowed.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(ok);
    if (ok) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }) as Error);
  });
});
