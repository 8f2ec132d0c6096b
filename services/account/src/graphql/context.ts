import type { BaseContext } from '@creditbank/server';
import { commandOf, keyedLoader, type DataLoader } from '@creditbank/server';
import type { CommandContext } from '@creditbank/kernel';
import type { Learner } from '../domain/learner';
import type { LearnerStore, PasswordHasher } from '../use-cases/ports';
import { getLearners } from '../use-cases/get-learners.use-case';

/** Long-lived dependencies of the resolvers (wired in main.ts). */
export interface AccountDeps {
  learners: LearnerStore;
  passwords: PasswordHasher;
  generatePassword: () => string;
  idHashKey: string;
}

export interface AccountContext extends BaseContext {
  deps: AccountDeps;
  loaders: { learner: DataLoader<string, Learner | null> };
  command(): CommandContext;
}

export function buildAccountContext(deps: AccountDeps) {
  return (base: BaseContext): AccountContext => ({
    ...base,
    deps,
    loaders: {
      // Tenancy is applied inside the use-case, per key: a foreign learner resolves to null.
      learner: keyedLoader<string, Learner>(
        async (keys) => (await getLearners(deps.learners, base.caller, keys)).filter((l): l is Learner => l !== null),
        (l) => l.accountNo,
      ),
    },
    command: () => commandOf(base),
  });
}
