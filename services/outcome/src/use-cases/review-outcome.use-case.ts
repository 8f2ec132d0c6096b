import { OutcomeRejected, OutcomeRevoked, createEvent, metaFrom } from '@creditbank/contracts';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, freeText, type CommandContext } from '@creditbank/kernel';
import { creditYear } from '@creditbank/credit-rules';
import type { LearningOutcome, OutcomeStatus } from '../domain/outcome';
import { recognise } from '../domain/recognition';
import { accessOf, canSee } from './access';
import { SOURCE, recognizedEvent } from './outcome-events';
import type { OutcomeStore, ProjectionStore } from './ports';
import { decideWithReservedCredits } from './reserve-credits';

async function load(deps: { outcomes: OutcomeStore }, ctx: CommandContext, id: string): Promise<LearningOutcome> {
  const access = accessOf(ctx.caller);
  if (!access || !/^oc-[0-9a-f-]{36}$/.test(id)) throw new NotFoundError('Outcome');
  const [o] = await deps.outcomes.findByIds(access, [id]);
  if (!o || !canSee(ctx.caller, o)) throw new NotFoundError('Outcome');
  return o;
}

/**
 * A reviewer (operator, expert or centre admin of the outcome's province) decides an outcome that waits
 * for review: APPROVE recognises it with credits under the standard in force; REJECT needs a reason.
 */
export async function reviewOutcome(
  deps: { outcomes: OutcomeStore; projections: ProjectionStore },
  ctx: CommandContext,
  id: string,
  decision: 'APPROVE' | 'REJECT',
  noteRaw: string | null | undefined,
): Promise<LearningOutcome> {
  const c = ctx.caller;
  if (c.kind !== 'user' || !['INTAKE_OPERATOR', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN'].includes(c.role))
    throw new ForbiddenError('Not allowed for your role');
  const o = await load(deps, ctx, id);
  if (o.status !== 'PENDING_REVIEW')
    throw new BadInputError(`Only outcomes waiting for review can be reviewed (this one is ${o.status})`, 'id', { status: o.status });
  if (decision === 'REJECT') {
    const reason = freeText(noteRaw, 'note', { max: 500, required: true });
    const updated = await deps.outcomes.update(o.id, o.version, ['PENDING_REVIEW'], {
      set: { status: 'REJECTED', statusReason: reason, awaiting: null },
      events: [
        createEvent(
          OutcomeRejected,
          {
            outcomeId: o.id,
            accountNo: o.accountNo,
            idHash: o.idHash,
            province: o.province,
            reason,
            rejectedBy: c.sub,
            rejectedAt: ctx.now.toISOString(),
          },
          metaFrom(ctx, o.province, SOURCE),
        ),
      ],
    });
    if (!updated) throw new ConflictError('The outcome changed at the same time; please reload it');
    return updated;
  }
  freeText(noteRaw, 'note', { max: 500 });
  if (!o.accountNo) throw new BadInputError('The outcome has no learner account yet', 'id');
  const link = await deps.projections.linkByAccountNo(o.accountNo);
  if (!link || link.status !== 'ACTIVE') throw new BadInputError(`The learner’s account is ${link?.status ?? 'unknown'}`, 'id');
  const [item] = o.catalogItemVersion
    ? await deps.projections.itemVersions([{ code: o.catalogItemCode, version: o.catalogItemVersion }])
    : await deps.projections.currentItems([o.catalogItemCode]);
  if (!item) throw new BadInputError('The outcome’s catalogue item is unknown', 'id');
  const standard = await deps.projections.standardInForce(link.province, ctx.now);
  // Counted in the learner's credit tally first, against the tally as read (see reserve-credits.ts).
  const [after] = await decideWithReservedCredits(
    deps.outcomes,
    { accountNos: [o.accountNo], years: [creditYear(o.achievedAt)], codes: [item.code], ownIds: new Set([o.id]) },
    (totals): LearningOutcome[] => {
      const result = recognise(o, { link, item, standard, totals, now: ctx.now, by: c.sub });
      if (result.status !== 'RECOGNIZED') throw new BadInputError(`The outcome cannot be recognised: ${result.reason}`, 'id');
      return [
        {
          ...o,
          status: 'RECOGNIZED',
          statusReason: null,
          awaiting: null,
          recognition: result.recognition,
          catalogItemVersion: item.version,
        },
      ];
    },
  );
  const updated = await deps.outcomes.update(
    o.id,
    o.version,
    ['PENDING_REVIEW'],
    {
      set: { status: 'RECOGNIZED', statusReason: null, awaiting: null, recognition: after!.recognition, catalogItemVersion: item.version },
      events: [recognizedEvent(after!, item, ctx)],
    },
    { reserved: after! },
  );
  if (!updated) throw new ConflictError('The outcome changed at the same time; please reload it');
  return updated;
}

const REVOCABLE: readonly OutcomeStatus[] = ['UNCLAIMED', 'PENDING_REVIEW', 'RECOGNIZED'];

/** Revoke an outcome (fraud, issuer error): the centre, or the institution that deposited it. */
export async function revokeOutcome(
  deps: { outcomes: OutcomeStore },
  ctx: CommandContext,
  id: string,
  reasonRaw: string,
): Promise<LearningOutcome> {
  const c = ctx.caller;
  if (c.kind !== 'user' || !['CENTER_ADMIN', 'PLATFORM_ADMIN', 'INSTITUTION_ADMIN'].includes(c.role))
    throw new ForbiddenError('Not allowed for your role');
  const reason = freeText(reasonRaw, 'reason', { max: 500, required: true });
  const o = await load(deps, ctx, id);
  if (!REVOCABLE.includes(o.status)) throw new BadInputError(`A ${o.status} outcome cannot be revoked`, 'id', { status: o.status });
  const updated = await deps.outcomes.update(o.id, o.version, REVOCABLE, {
    set: { status: 'REVOKED', statusReason: reason, awaiting: null },
    events: [
      createEvent(
        OutcomeRevoked,
        {
          outcomeId: o.id,
          accountNo: o.accountNo,
          idHash: o.idHash,
          province: o.province,
          previousStatus: o.status,
          recognizedCredits: o.recognition?.credits ?? null,
          points: o.recognition?.points ?? null,
          reason,
          revokedBy: c.sub,
          revokedAt: ctx.now.toISOString(),
        },
        metaFrom(ctx, o.province, SOURCE),
      ),
    ],
  });
  if (!updated) throw new ConflictError('The outcome changed at the same time; please reload it');
  return updated;
}
