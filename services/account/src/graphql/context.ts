import { commandOf, keyedLoader, type BaseContext, type DataLoader } from '@creditbank/server';
import type { CommandContext } from '@creditbank/kernel';
import type { LockoutPolicy } from '../domain/login-lockout';
import type { Learner } from '../domain/learner';
import type { Institution } from '../domain/institution';
import type { StaffUser } from '../domain/staff-user';
import type {
  IdentityVerifier,
  InstitutionStore,
  Keyed,
  LearnerStore,
  OperatorAssignmentStore,
  PasswordHasher,
  StaffStore,
  TokenIssuer,
} from '../use-cases/ports';
import { getLearners } from '../use-cases/get-learners.use-case';
import { getInstitutions } from '../use-cases/institutions.use-case';

/** Long-lived dependencies of the resolvers (wired in main.ts). */
export interface AccountDeps {
  learners: LearnerStore;
  institutions: InstitutionStore;
  staff: StaffStore;
  assignments: OperatorAssignmentStore;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  keyed: Keyed;
  verifier: IdentityVerifier;
  generatePassword: () => string;
  lockout: LockoutPolicy;
  decoyHash: string;
  retryBaseMs: number;
  agreementVersion: string;
}

export interface AccountContext extends BaseContext {
  deps: AccountDeps;
  loaders: {
    learner: DataLoader<string, Learner | null>;
    institution: DataLoader<string, Institution | null>;
    staff: DataLoader<string, StaffUser | null>;
  };
  command(): CommandContext;
}

export function buildAccountContext(deps: AccountDeps) {
  return (base: BaseContext): AccountContext => ({
    ...base,
    deps,
    loaders: {
      // Tenancy is applied per key in the use-cases: what the caller may not see resolves to null.
      learner: keyedLoader(
        async (keys) => (await getLearners(deps.learners, base.caller, keys)).filter((l): l is Learner => l !== null),
        (l) => l.accountNo,
      ),
      institution: keyedLoader(
        async (codes) => (await getInstitutions(deps.institutions, base.caller, codes)).filter((i): i is Institution => i !== null),
        (i) => i.code,
      ),
      staff: keyedLoader(
        async (ids) =>
          base.caller.kind === 'user'
            ? deps.staff.findByIds(base.caller.role === 'PLATFORM_ADMIN' ? { all: true } : { province: base.caller.province }, ids)
            : [],
        (u) => u.id,
      ),
    },
    command: () => commandOf(base),
  });
}
