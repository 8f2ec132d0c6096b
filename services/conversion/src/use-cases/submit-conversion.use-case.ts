import { createHash, randomUUID } from 'node:crypto';
import {
  BadInputError,
  ConflictError,
  NotFoundError,
  isAppError,
  isValidAccountNo,
  provinceOfAccountNo,
  type CommandContext,
} from '@creditbank/kernel';
import { submit, type Application } from '../domain/credit-account';
import { MAX_OUTCOMES_PER_APPLICATION } from '../domain/credit-account';
import { OUTCOME_ID, RULE_ID, actorOf, canActForLearner, idempotencyKey, requireRole } from './access';
import { applyToAccount, type WriterDeps } from './account-writer';
import type { IdempotencyStore, RuleStore } from './ports';
import { getRules } from './rules.use-case';

export interface SubmitConversionInput {
  accountNo: string;
  ruleId: string;
  outcomeIds: string[];
  idempotencyKey: string;
}

export interface ConversionDeps extends WriterDeps {
  rules: RuleStore;
  idempotency: IdempotencyStore;
}

export const requestHash = (parts: Record<string, unknown>) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/**
 * submitConversion (learner, or an intake operator for them): the chosen outcomes must be recognised,
 * the learner's, qualify under the rule, add up to its credits and be available; they are reserved in
 * the same write that creates the application. With an idempotency key: the same key and request
 * return the first result; the same key with another request is a CONFLICT.
 */
export async function submitConversion(deps: ConversionDeps, ctx: CommandContext, input: SubmitConversionInput): Promise<Application> {
  const c = ctx.caller;
  requireRole(c, ['LEARNER', 'INTAKE_OPERATOR']);
  const key = idempotencyKey(input.idempotencyKey);
  if (!isValidAccountNo(input.accountNo) || !canActForLearner(c, input.accountNo)) throw new NotFoundError('Learner');
  if (!RULE_ID.test(input.ruleId)) throw new NotFoundError('Conversion rule');
  const outcomeIds = input.outcomeIds.map((id) => String(id));
  if (outcomeIds.length === 0) throw new BadInputError('Choose at least one outcome', 'input.outcomeIds');
  if (outcomeIds.length > MAX_OUTCOMES_PER_APPLICATION)
    throw new BadInputError(`At most ${MAX_OUTCOMES_PER_APPLICATION} outcomes per application`, 'input.outcomeIds');
  for (const id of outcomeIds) if (!OUTCOME_ID.test(id)) throw new BadInputError('Not an outcome id', 'input.outcomeIds');

  const accountNo = input.accountNo;
  const hash = requestHash({ op: 'submitConversion', ruleId: input.ruleId, outcomeIds: [...outcomeIds].sort() });
  const fresh = `ca-${randomUUID()}`;
  const existing = await deps.idempotency.claim({ accountNo, key, op: 'submitConversion', requestHash: hash, resultId: fresh });
  if (existing && (existing.op !== 'submitConversion' || existing.requestHash !== hash))
    throw new ConflictError('This idempotency key was used for a different request', { field: 'input.idempotencyKey' });
  const applicationId = existing?.resultId ?? fresh;

  try {
    const [rule] = await getRules(deps.rules, c, [input.ruleId]);
    if (!rule) throw new NotFoundError('Conversion rule');
    const actor = actorOf(c);
    const { account } = await applyToAccount(deps, accountNo, { create: false, province: provinceOfAccountNo(accountNo), ctx }, (a) =>
      a.applications[applicationId]
        ? null
        : submit(a, {
            applicationId,
            rule,
            outcomeIds,
            actor,
            nodeId: c.role === 'INTAKE_OPERATOR' ? (c.node ?? null) : null,
            idempotencyKey: key,
            now: ctx.now,
          }),
    );
    const app = account?.applications[applicationId];
    if (!app) throw new BadInputError('None of these outcomes is a recognised outcome of this account', 'input.outcomeIds');
    return app;
  } catch (error) {
    // The request had no effect: the key is free again (unless a replay of a request that did).
    if (!existing && isAppError(error)) await deps.idempotency.release(accountNo, key, applicationId);
    throw error;
  }
}
