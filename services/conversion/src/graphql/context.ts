import { commandOf, keyedLoader, type BaseContext, type DataLoader } from '@creditbank/server';
import type { CommandContext } from '@creditbank/kernel';
import type { Application, CreditAccount } from '../domain/credit-account';
import type { ConversionRule } from '../domain/rule';
import type { RedeemDeps } from '../use-cases/rewards.use-case';
import type { WebhookDeps } from '../use-cases/webhooks.use-case';
import { creditAccounts, getApplications } from '../use-cases/queries.use-case';
import { getRules } from '../use-cases/rules.use-case';

export type ConversionDepsAll = RedeemDeps & WebhookDeps;

export interface ConversionContext extends BaseContext {
  deps: ConversionDepsAll;
  loaders: {
    rule: DataLoader<string, ConversionRule | null>;
    application: DataLoader<string, Application | null>;
    creditAccount: DataLoader<string, CreditAccount | null>;
  };
  command(): CommandContext;
}

/** Per request: DataLoaders for rules, applications and credit accounts (one read per batch, no N+1). */
export function buildConversionContext(deps: ConversionDepsAll) {
  return (base: BaseContext): ConversionContext => ({
    ...base,
    deps,
    loaders: {
      rule: keyedLoader(
        (ids) => getRules(deps.rules, base.caller, ids),
        (r) => r.id,
      ),
      application: keyedLoader(
        (ids) => getApplications(deps, base.caller, ids),
        (a) => a.id,
      ),
      creditAccount: keyedLoader(
        (nos) => creditAccounts(deps.accounts, base.caller, nos),
        (a) => a.accountNo,
      ),
    },
    command: () => commandOf(base),
  });
}
