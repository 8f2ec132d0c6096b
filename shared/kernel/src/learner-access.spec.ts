import { canReadLearner } from './learner-access';
import { makeAccountNo } from './account-no';
import type { Caller } from './caller';

const zj = makeAccountNo('33', 1);
const gd = makeAccountNo('44', 1);
const u = (role: string, extra: Partial<Caller> = {}): Caller => ({ kind: 'user', sub: 's', role, province: '33', ...extra }) as Caller;

describe('canReadLearner', () => {
  it.each([
    ['anonymous', { kind: 'anonymous' } as Caller, zj, false],
    ['the learner themself', u('LEARNER', { acct: zj }), zj, true],
    ['another learner', u('LEARNER', { acct: makeAccountNo('33', 2) }), zj, false],
    ['operator of the province', u('INTAKE_OPERATOR'), zj, true],
    ['operator of another province', u('INTAKE_OPERATOR'), gd, false],
    ['centre admin of another province', u('CENTER_ADMIN'), gd, false],
    ['institution admin', u('INSTITUTION_ADMIN'), zj, false],
    ['platform admin anywhere', u('PLATFORM_ADMIN'), gd, true],
    ['malformed number', u('PLATFORM_ADMIN'), '33000000001', false],
  ])('%s', (_n, caller, accountNo, expected) => {
    expect(canReadLearner(caller, accountNo)).toBe(expected);
  });
});
