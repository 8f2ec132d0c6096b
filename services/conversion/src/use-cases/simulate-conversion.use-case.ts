import { NotFoundError, isValidAccountNo, type CommandContext } from '@creditbank/kernel';
import { isPending, type HeldOutcome } from '../domain/credit-account';
import { fromCenti } from '../domain/ledger';
import { creditsRequiredCenti, outcomeMismatches, ruleClosedReasons, suggestOutcomes, type ConversionRule } from '../domain/rule';
import { RULE_ID, canReadCreditAccount, requireRole } from './access';
import type { CreditAccountStore, RuleStore } from './ports';
import { getRules } from './rules.use-case';

export interface SimulatedOutcome {
  outcomeId: string;
  title: string;
  credits: number;
  state: HeldOutcome['state'];
  reasons: string[];
}

export interface ConversionSimulation {
  rule: ConversionRule;
  eligible: boolean;
  creditsRequired: number;
  creditsQualifying: number;
  creditsUsed: number;
  creditsMissing: number;
  qualifyingOutcomes: SimulatedOutcome[];
  suggestedOutcomeIds: string[];
  notQualifying: SimulatedOutcome[];
  missing: string[];
}

/**
 * What-if (simulateConversion): which of the learner's outcomes qualify under the rule, the credits an
 * application would use (the suggested outcomes), and what is still missing — before applying.
 */
export async function simulateConversion(
  deps: { accounts: CreditAccountStore; rules: RuleStore },
  ctx: CommandContext,
  accountNo: string,
  ruleId: string,
): Promise<ConversionSimulation> {
  requireRole(ctx.caller, ['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN']);
  if (!isValidAccountNo(accountNo) || !canReadCreditAccount(ctx.caller, accountNo)) throw new NotFoundError('Learner');
  const [rule] = RULE_ID.test(ruleId) ? await getRules(deps.rules, ctx.caller, [ruleId]) : [];
  if (!rule) throw new NotFoundError('Conversion rule');
  const account = await deps.accounts.get(accountNo);
  const held = Object.values(account?.outcomes ?? {}).filter((o) => o.state !== 'REVOKED' && !o.revokedAt);
  const qualifying: HeldOutcome[] = [];
  const notQualifying: SimulatedOutcome[] = [];
  for (const o of held) {
    const reasons = outcomeMismatches(rule, o, ctx.now);
    if (o.state === 'RESERVED') reasons.push('reserved by a pending application');
    if (o.state === 'CONSUMED') reasons.push('already used by an approved conversion');
    if (reasons.length) notQualifying.push({ outcomeId: o.id, title: o.title, credits: fromCenti(o.credits), state: o.state, reasons });
    else qualifying.push(o);
  }
  const required = creditsRequiredCenti(rule);
  const total = qualifying.reduce((s, o) => s + o.credits, 0);
  const suggested = suggestOutcomes(qualifying, required);
  const missing: string[] = [...ruleClosedReasons(rule, ctx.now)];
  if (account && account.status && account.status !== 'ACTIVE') missing.push(`the account is ${account.status}`);
  if (rule.province !== accountNo.slice(0, 2)) missing.push('the rule is not one of the learner’s province');
  if (total < required) missing.push(`${fromCenti(required - total)} more qualifying credits`);
  const pendingSameRule = Object.values(account?.applications ?? {}).some((a) => a.ruleId === rule.id && isPending(a.status));
  if (pendingSameRule) missing.push('an application under this rule is already pending');
  return {
    rule,
    eligible: missing.length === 0,
    creditsRequired: fromCenti(required),
    creditsQualifying: fromCenti(total),
    creditsUsed: fromCenti(suggested.reduce((s, o) => s + o.credits, 0)),
    creditsMissing: fromCenti(Math.max(0, required - total)),
    qualifyingOutcomes: qualifying.map((o) => ({
      outcomeId: o.id,
      title: o.title,
      credits: fromCenti(o.credits),
      state: o.state,
      reasons: [],
    })),
    suggestedOutcomeIds: suggested.map((o) => o.id),
    notQualifying,
    missing,
  };
}
