import { ForbiddenError, NotFoundError, freeText, type CommandContext } from '@creditbank/kernel';
import { cancel, decide, preliminaryReview, type AccountChange, type Application, type CreditAccount } from '../domain/credit-account';
import { APPLICATION_ID, actorOf, canActForLearner, canDecide, canSeeApplication, requireRole } from './access';
import { applyToAccount, type WriterDeps } from './account-writer';

/** The application as its account holds it now (the read model only finds the account). */
export async function loadApplication(deps: WriterDeps, id: string): Promise<Application | null> {
  if (!APPLICATION_ID.test(id)) return null;
  const [projected] = await deps.applications.findByIds([id]);
  if (!projected) return null;
  const account = await deps.accounts.get(projected.accountNo);
  return account?.applications[id] ?? projected;
}

async function act(
  deps: WriterDeps,
  ctx: CommandContext,
  id: string,
  allowed: (app: Application) => boolean,
  change: (account: CreditAccount) => AccountChange | null,
): Promise<Application> {
  const app = await loadApplication(deps, id);
  if (!app || !canSeeApplication(ctx.caller, app)) throw new NotFoundError('Conversion application');
  if (!allowed(app)) throw new ForbiddenError('You may not take this step on this application');
  const { account } = await applyToAccount(deps, app.accountNo, { create: false, province: app.province, ctx }, change);
  return account?.applications[id] ?? app;
}

/** 初审: an intake operator of the learner's province passes the application on or rejects it. */
export async function preliminaryReviewConversion(
  deps: WriterDeps,
  ctx: CommandContext,
  id: string,
  approve: boolean,
  noteRaw?: string | null,
): Promise<Application> {
  requireRole(ctx.caller, ['INTAKE_OPERATOR']);
  const note = freeText(noteRaw, 'note', { max: 500, required: !approve });
  const actor = actorOf(ctx.caller);
  return act(
    deps,
    ctx,
    id,
    () => true,
    (a) => preliminaryReview(a, id, approve, actor, note, ctx.now),
  );
}

/** The final decision: the centre, or the partner university the application is addressed to. */
export async function decideConversion(
  deps: WriterDeps,
  ctx: CommandContext,
  id: string,
  approve: boolean,
  noteRaw?: string | null,
): Promise<Application> {
  requireRole(ctx.caller, ['CENTER_ADMIN', 'UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']);
  const note = freeText(noteRaw, 'note', { max: 500, required: !approve });
  const actor = actorOf(ctx.caller);
  return act(
    deps,
    ctx,
    id,
    (app) => canDecide(ctx.caller, app),
    (a) => decide(a, id, approve, actor, note, ctx.now),
  );
}

/** The learner, or an intake operator for them, withdraws an undecided application. */
export async function cancelConversion(deps: WriterDeps, ctx: CommandContext, id: string): Promise<Application> {
  requireRole(ctx.caller, ['LEARNER', 'INTAKE_OPERATOR']);
  const actor = actorOf(ctx.caller);
  return act(
    deps,
    ctx,
    id,
    (app) => canActForLearner(ctx.caller, app.accountNo),
    (a) => cancel(a, id, actor, ctx.now),
  );
}
