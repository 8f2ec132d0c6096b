import { randomUUID } from 'node:crypto';
import {
  BadInputError,
  ForbiddenError,
  NotFoundError,
  freeText,
  isValidAccountNo,
  provinceOfAccountNo,
  type CommandContext,
} from '@creditbank/kernel';
import { creditYear, isCatalogCode, isOutcomeType, type OutcomeType } from '@creditbank/credit-rules';
import { parseUscc } from '@creditbank/identity';
import type { OutcomeSource } from '../domain/outcome';
import { accreditationCovers } from '../domain/projections';
import { awaitingOf, decide, localDate, type CreditTotals } from '../domain/recognition';
import { depositEvents } from './outcome-events';
import type { NewOutcome, OutcomeStore, ProjectionStore } from './ports';
import { decideWithReservedCredits } from './reserve-credits';
import type { LearningOutcome } from '../domain/outcome';

export interface DepositOutcomeInput {
  accountNo: string;
  type: string;
  catalogItemCode: string;
  title: string;
  institutionCode?: string | null;
  hours?: number | null;
  credits?: number | null;
  score?: number | null;
  achievedAt: string;
  certificateNo?: string | null;
  evidence?: string[] | null;
}

const number = (v: number | null | undefined, field: string, min: number, max: number): number | null => {
  if (v === undefined || v === null) return null;
  if (!Number.isFinite(v) || v < min || v > max) throw new BadInputError(`Must be between ${min} and ${max}`, field);
  return v;
};

/**
 * A deposit for one learner: by an intake operator on the learner's behalf (受理点存入; recognised at
 * once when an accredited institution issued it) or self-declared by the learner with evidence
 * (always reviewed).
 */
export async function depositOutcome(
  deps: { outcomes: OutcomeStore; projections: ProjectionStore },
  ctx: CommandContext,
  input: DepositOutcomeInput,
): Promise<LearningOutcome> {
  const caller = ctx.caller;
  if (caller.kind !== 'user') throw new ForbiddenError('Not allowed');
  if (!isValidAccountNo(input.accountNo)) throw new NotFoundError('Learner');
  let source: OutcomeSource;
  if (caller.role === 'LEARNER') {
    if (caller.acct !== input.accountNo) throw new NotFoundError('Learner');
    source = 'SELF_DECLARED';
  } else if (caller.role === 'INTAKE_OPERATOR') {
    if (provinceOfAccountNo(input.accountNo) !== caller.province) throw new NotFoundError('Learner');
    source = 'INTAKE_POINT';
  } else {
    throw new ForbiddenError('Only intake operators and learners deposit single outcomes; institutions import');
  }
  const link = await deps.projections.linkByAccountNo(input.accountNo);
  if (!link || (caller.role !== 'LEARNER' && link.province !== caller.province)) throw new NotFoundError('Learner');
  if (link.status !== 'ACTIVE') throw new BadInputError(`The account is ${link.status}; outcomes cannot be deposited`, 'input.accountNo');

  if (!isOutcomeType(input.type)) throw new BadInputError('type must be ACADEMIC, VOCATIONAL or NON_ACADEMIC', 'input.type');
  const type: OutcomeType = input.type;
  const code = input.catalogItemCode.trim().toUpperCase();
  if (!isCatalogCode(code))
    throw new BadInputError('catalogItemCode must be a catalogue code such as VSC-ELEC-G4', 'input.catalogItemCode');
  const [item] = await deps.projections.currentItems([code]);
  if (!item) throw new BadInputError('catalogItemCode is not a published catalogue item', 'input.catalogItemCode');
  if (item.type !== type) throw new BadInputError(`type must be ${item.type}, the type of catalogue item ${code}`, 'input.type');
  const title = freeText(input.title, 'input.title', { max: 200, required: true });
  const hours = number(input.hours, 'input.hours', 0, 10_000);
  const credits = number(input.credits, 'input.credits', 0, 1000);
  const score = number(input.score, 'input.score', 0, 100);
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(input.achievedAt) || Number.isNaN(Date.parse(input.achievedAt))) {
    throw new BadInputError('achievedAt must be a date (YYYY-MM-DD) or an ISO-8601 date-time', 'input.achievedAt');
  }
  const achievedAt = localDate(input.achievedAt);
  if (Date.parse(`${achievedAt}T00:00:00+08:00`) > ctx.now.getTime() + 86_400_000)
    throw new BadInputError('achievedAt must not be in the future', 'input.achievedAt');
  const certificateNo = freeText(input.certificateNo, 'input.certificateNo', { max: 64 });
  const evidence = (input.evidence ?? []).map((e, i) => freeText(e, `input.evidence.${i}`, { max: 500, required: true }));
  if (evidence.length > 20) throw new BadInputError('At most 20 evidence references', 'input.evidence');
  if (source === 'SELF_DECLARED' && evidence.length === 0)
    throw new BadInputError('A self-declared outcome needs at least one evidence reference', 'input.evidence');

  let institutionCode: string | null = null;
  let autoAllowed = false;
  let autoBlockedReason = source === 'SELF_DECLARED' ? 'Self-declared: needs review' : 'No accredited issuer: needs review';
  if (input.institutionCode) {
    institutionCode = parseUscc(input.institutionCode, 'input.institutionCode');
    const [inst] = await deps.projections.institutions([institutionCode]);
    if (!inst) throw new BadInputError('institutionCode is not a registered institution', 'input.institutionCode');
    if (source === 'INTAKE_POINT') {
      const covered = accreditationCovers(await deps.projections.accreditation(institutionCode), type, ctx.now, false);
      autoAllowed = covered.ok;
      if (!covered.ok) autoBlockedReason = covered.why;
    }
  }

  const standard = await deps.projections.standardInForce(link.province, ctx.now);
  const id = `oc-${randomUUID()}`;
  const toOutcome = (totals: CreditTotals): NewOutcome => {
    const decision = decide(
      { type, hours, credits, score, achievedAt },
      { link, item, standard, totals, autoAllowed, autoBlockedReason, now: ctx.now, by: 'system' },
    );
    return {
      id,
      province: link.province,
      accountNo: link.accountNo,
      idHash: link.idHash,
      learnerNameMasked: link.nameMasked,
      institutionCode,
      source,
      type,
      catalogItemCode: item.code,
      catalogItemVersion: item.version,
      title,
      hours,
      credits,
      score,
      achievedAt,
      year: Number(achievedAt.slice(0, 4)),
      certificateNo,
      evidence,
      externalRef: null,
      batchId: null,
      status: decision.status === 'UNCLAIMED' ? 'PENDING_REVIEW' : decision.status,
      statusReason: decision.reason,
      awaiting: awaitingOf(decision),
      recognition: decision.status === 'RECOGNIZED' ? decision.recognition : null,
      depositedAt: ctx.now,
      depositedBy: caller.sub,
      nodeId: source === 'INTAKE_POINT' ? (caller.node ?? null) : null,
      version: 1,
      importKey: id,
      contentHash: null,
    };
  };
  // Counted in the learner's credit tally first, against the tally as read (see reserve-credits.ts).
  const [outcome] = await decideWithReservedCredits(
    deps.outcomes,
    { accountNos: [link.accountNo], years: [creditYear(achievedAt)], codes: [item.code], ownIds: new Set([id]) },
    (totals) => [toOutcome(totals)],
  );
  await deps.outcomes.insertMany([outcome!], (o) => depositEvents(o, item, ctx));
  return outcome!;
}
