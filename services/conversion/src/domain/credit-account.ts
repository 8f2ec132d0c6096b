import { BadInputError, ConflictError } from '@creditbank/kernel';
import {
  add,
  availableCredits,
  availablePoints,
  fromCenti,
  toCenti,
  ZERO,
  type Balances,
  type LedgerEntryKind,
  type LedgerRef,
} from './ledger';
import {
  creditsRequiredCenti,
  outcomeMismatches,
  ruleClosedReasons,
  type ConversionRule,
  type OutcomeFacts,
  type RuleTarget,
} from './rule';

/**
 * The learner's credit account (积累) — one aggregate per learner, so every invariant is kept by one
 * atomic single-document write: which recognised outcomes are available, reserved by an application
 * or consumed by an approved one; the applications themselves; the balances and the ledger sequence.
 * Every function here is pure: it returns the new account, the ledger entries that explain the change
 * and the notices (events) it causes, or null when there is nothing to do (a duplicate).
 */
export type AccountStatus = 'PENDING_VERIFICATION' | 'ACTIVE' | 'FROZEN' | 'CLOSED';
export type HeldState = 'AVAILABLE' | 'RESERVED' | 'CONSUMED' | 'REVOKED';
export type ApplicationStatus = 'SUBMITTED' | 'PRELIMINARY_APPROVED' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'NEEDS_REVIEW';
export type StepAction =
  | 'SUBMITTED'
  | 'PRELIMINARY_APPROVED'
  | 'PRELIMINARY_REJECTED'
  | 'APPROVED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'AUTO_REJECTED'
  | 'NEEDS_REVIEW'
  | 'UPHELD'
  | 'ANNULLED';

/** A recognised outcome as the account holds it (credits in hundredths). */
export interface HeldOutcome extends OutcomeFacts {
  title: string;
  institutionCode: string | null;
  credits: number;
  points: number;
  creditStandardVersion: number | null;
  recognizedAt: string;
  state: HeldState;
  applicationId: string | null;
  /** Set when revoked; a consumed outcome stays CONSUMED (flagged) until its conversion is reviewed. */
  revokedAt: string | null;
}

export interface ApplicationStep {
  action: StepAction;
  status: ApplicationStatus;
  by: string;
  role: string;
  at: string;
  note: string | null;
}

export interface Application {
  id: string;
  accountNo: string;
  province: string;
  ruleId: string;
  ruleVersion: number;
  ruleName: string;
  target: RuleTarget;
  outcomeIds: string[];
  /** Hundredths of credits reserved / consumed. */
  credits: number;
  status: ApplicationStatus;
  nodeId: string | null;
  idempotencyKey: string;
  submittedBy: string;
  submittedAt: string;
  updatedAt: string;
  revokedOutcomeIds: string[];
  history: ApplicationStep[];
  /** Bumped on every change (the read model keeps the newest). */
  rev: number;
}

export interface Redemption {
  id: string;
  accountNo: string;
  itemCode: string;
  itemName: string;
  kind: string;
  quantity: number;
  points: number;
  by: string;
  at: string;
}

export interface CreditAccount {
  accountNo: string;
  province: string;
  /** From the account service's events; null until one arrived. */
  status: AccountStatus | null;
  statusAt: string | null;
  balances: Balances;
  /** Number of ledger entries so far. */
  seq: number;
  version: number;
  outcomes: Record<string, HeldOutcome>;
  applications: Record<string, Application>;
  redemptions: Record<string, Redemption>;
}

export interface Actor {
  id: string;
  role: string;
}

export type Notice =
  | { kind: 'submitted'; app: Application }
  | { kind: 'preliminarily-approved'; app: Application; by: string; at: string }
  | { kind: 'approved'; app: Application; by: string; at: string; afterReview: boolean; creditsConsumed: number }
  | {
      kind: 'rejected';
      app: Application;
      by: string;
      at: string;
      stage: 'PRELIMINARY' | 'FINAL' | 'AUTOMATIC' | 'REVIEW';
      reasonCode: 'REVIEWER' | 'OUTCOME_REVOKED';
      revokedOutcomeId: string | null;
      creditsReleased: number;
    }
  | { kind: 'cancelled'; app: Application; by: string; at: string; creditsReleased: number }
  | { kind: 'needs-review'; app: Application; revokedOutcomeId: string; at: string }
  | {
      kind: 'points';
      outcomeId: string;
      points: number;
      reason: 'RECOGNITION' | 'REVOCATION';
      notRecovered: number;
      creditStandardVersion: number | null;
      at: string;
    }
  | { kind: 'redeemed'; redemption: Redemption };

export interface NewEntry {
  seq: number;
  kind: LedgerEntryKind;
  delta: Balances;
  ref: LedgerRef;
  note: string | null;
  at: string;
}

export interface AccountChange {
  account: CreditAccount;
  entries: NewEntry[];
  notices: Notice[];
  /** Applications created or changed (their read model is refreshed). */
  apps: string[];
}

export const SYSTEM: Actor = { id: 'system', role: 'SYSTEM' };

export function emptyAccount(accountNo: string, province: string): CreditAccount {
  return {
    accountNo,
    province,
    status: null,
    statusAt: null,
    balances: { ...ZERO },
    seq: 0,
    version: 0,
    outcomes: {},
    applications: {},
    redemptions: {},
  };
}

const PENDING: readonly ApplicationStatus[] = ['SUBMITTED', 'PRELIMINARY_APPROVED'];
export const isPending = (s: ApplicationStatus): boolean => PENDING.includes(s);

/** A working copy: collects entries, notices and touched applications. */
class Draft {
  readonly account: CreditAccount;
  readonly entries: NewEntry[] = [];
  readonly notices: Notice[] = [];
  readonly apps = new Set<string>();

  constructor(
    from: CreditAccount,
    readonly at: string,
  ) {
    this.account = structuredClone(from);
  }

  entry(kind: LedgerEntryKind, delta: Partial<Balances>, ref: Partial<LedgerRef>, note: string | null): void {
    const full = add(ZERO, delta);
    this.account.seq += 1;
    this.account.balances = add(this.account.balances, full);
    this.entries.push({
      seq: this.account.seq,
      kind,
      delta: full,
      ref: { outcomeIds: ref.outcomeIds ?? [], applicationId: ref.applicationId ?? null, redemptionId: ref.redemptionId ?? null },
      note,
      at: this.at,
    });
  }

  step(app: Application, action: StepAction, status: ApplicationStatus, by: Actor, note: string | null): void {
    app.status = status;
    app.updatedAt = this.at;
    app.rev += 1;
    app.history.push({ action, status, by: by.id, role: by.role, at: this.at, note });
    this.apps.add(app.id);
  }

  /** Reserved → available for every outcome of the application. */
  release(app: Application): number {
    let released = 0;
    for (const id of app.outcomeIds) {
      const o = this.account.outcomes[id];
      if (o && o.state === 'RESERVED' && o.applicationId === app.id) {
        o.state = 'AVAILABLE';
        o.applicationId = null;
        released += o.credits;
      }
    }
    if (released > 0)
      this.entry(
        'RELEASED',
        { reserved: -released },
        { outcomeIds: [...app.outcomeIds], applicationId: app.id },
        `Released: application ${app.status.toLowerCase()}`,
      );
    return released;
  }

  done(): AccountChange {
    this.account.version += 1;
    return { account: this.account, entries: this.entries, notices: this.notices, apps: [...this.apps] };
  }
}

function application(account: CreditAccount, id: string): Application {
  const app = account.applications[id];
  if (!app) throw new BadInputError('No such application on this account', 'id');
  return app;
}

function requireActiveAccount(account: CreditAccount, what: string): void {
  if (account.status && account.status !== 'ACTIVE')
    throw new BadInputError(`The account is ${account.status}: no ${what}`, 'accountNo', { status: account.status });
}

export interface Recognition extends OutcomeFacts {
  title: string;
  institutionCode: string | null;
  credits: number;
  points: number;
  creditStandardVersion: number | null;
  recognizedAt: string;
}

/** outcome.recognized: the credits join the account and the points are awarded. A repeat changes nothing. */
export function recordRecognition(account: CreditAccount, r: Recognition, at: string): AccountChange | null {
  if (account.outcomes[r.id]) return null; // already held, or revoked before this (late) event arrived
  const d = new Draft(account, at);
  const credits = toCenti(r.credits);
  const points = Math.max(0, Math.trunc(r.points));
  d.account.outcomes[r.id] = {
    id: r.id,
    type: r.type,
    catalogItemCode: r.catalogItemCode,
    level: r.level,
    score: r.score,
    achievedAt: r.achievedAt,
    title: r.title,
    institutionCode: r.institutionCode,
    credits,
    points,
    creditStandardVersion: r.creditStandardVersion,
    recognizedAt: r.recognizedAt,
    state: 'AVAILABLE',
    applicationId: null,
    revokedAt: null,
  };
  if (credits > 0) d.entry('RECOGNIZED', { recognized: credits }, { outcomeIds: [r.id] }, `Recognised: ${r.title}`.slice(0, 200));
  if (points > 0) {
    d.entry('POINTS_AWARDED', { pointsEarned: points }, { outcomeIds: [r.id] }, 'Points for a recognised outcome');
    d.notices.push({
      kind: 'points',
      outcomeId: r.id,
      points,
      reason: 'RECOGNITION',
      notRecovered: 0,
      creditStandardVersion: r.creditStandardVersion,
      at,
    });
  }
  return d.done();
}

/**
 * outcome.revoked: its credits leave the account. Available → reversed; reserved → the pending
 * application is rejected automatically (all its outcomes released) and the credits reversed;
 * consumed → the approved conversion needs review (credits stay consumed until it is decided).
 * Points are taken back as far as they are unspent (points never go below zero).
 */
export function recordRevocation(account: CreditAccount, outcomeId: string, at: string): AccountChange | null {
  const held = account.outcomes[outcomeId];
  if (held && (held.state === 'REVOKED' || held.revokedAt)) return null;
  const d = new Draft(account, at);
  if (!held) {
    // Revoked before we saw it recognised (or never recognised): remember, so a late recognition is ignored.
    d.account.outcomes[outcomeId] = {
      id: outcomeId,
      type: 'NON_ACADEMIC',
      catalogItemCode: 'UNKNOWN',
      level: null,
      score: null,
      achievedAt: at.slice(0, 10),
      title: '',
      institutionCode: null,
      credits: 0,
      points: 0,
      creditStandardVersion: null,
      recognizedAt: at,
      state: 'REVOKED',
      applicationId: null,
      revokedAt: at,
    };
    return d.done();
  }
  const o = d.account.outcomes[outcomeId]!;
  o.revokedAt = at;
  if (o.points > 0) {
    const back = Math.min(o.points, availablePoints(d.account.balances));
    if (back > 0) d.entry('REVERSED', { pointsEarned: -back }, { outcomeIds: [o.id] }, 'Points taken back: outcome revoked');
    d.notices.push({
      kind: 'points',
      outcomeId: o.id,
      points: -back,
      reason: 'REVOCATION',
      notRecovered: o.points - back,
      creditStandardVersion: o.creditStandardVersion,
      at,
    });
  }
  if (o.state === 'AVAILABLE') {
    o.state = 'REVOKED';
    if (o.credits > 0) d.entry('REVERSED', { recognized: -o.credits }, { outcomeIds: [o.id] }, 'Reversed: outcome revoked');
  } else if (o.state === 'RESERVED') {
    const app = d.account.applications[o.applicationId!]!;
    d.step(app, 'AUTO_REJECTED', 'REJECTED', SYSTEM, 'An outcome used by this application was revoked');
    app.revokedOutcomeIds.push(o.id);
    const released = d.release(app);
    o.state = 'REVOKED';
    if (o.credits > 0)
      d.entry('REVERSED', { recognized: -o.credits }, { outcomeIds: [o.id], applicationId: app.id }, 'Reversed: outcome revoked');
    d.notices.push({
      kind: 'rejected',
      app: structuredClone(app),
      by: SYSTEM.id,
      at,
      stage: 'AUTOMATIC',
      reasonCode: 'OUTCOME_REVOKED',
      revokedOutcomeId: o.id,
      creditsReleased: released - o.credits,
    });
  } else if (o.state === 'CONSUMED') {
    const app = d.account.applications[o.applicationId!]!;
    app.revokedOutcomeIds.push(o.id);
    d.step(app, 'NEEDS_REVIEW', 'NEEDS_REVIEW', SYSTEM, 'An outcome used by this approved conversion was revoked');
    d.notices.push({ kind: 'needs-review', app: structuredClone(app), revokedOutcomeId: o.id, at });
  }
  return d.done();
}

export interface SubmitRequest {
  applicationId: string;
  rule: ConversionRule;
  outcomeIds: readonly string[];
  actor: Actor;
  nodeId: string | null;
  idempotencyKey: string;
  now: Date;
}

export const MAX_OUTCOMES_PER_APPLICATION = 50;

/** The checks of a submission without the reservation: which outcomes, how many credits. */
export function checkSubmission(
  account: CreditAccount,
  req: Omit<SubmitRequest, 'applicationId' | 'actor' | 'nodeId' | 'idempotencyKey'>,
): number {
  requireActiveAccount(account, 'conversions');
  const closed = ruleClosedReasons(req.rule, req.now);
  if (closed.length) throw new BadInputError(`The rule is not open for applications: ${closed.join('; ')}`, 'input.ruleId');
  if (req.rule.province !== account.province) throw new BadInputError('The rule is not one of the learner’s province', 'input.ruleId');
  const ids = req.outcomeIds;
  if (ids.length === 0) throw new BadInputError('Choose at least one outcome', 'input.outcomeIds');
  if (ids.length > MAX_OUTCOMES_PER_APPLICATION)
    throw new BadInputError(`At most ${MAX_OUTCOMES_PER_APPLICATION} outcomes per application`, 'input.outcomeIds');
  if (new Set(ids).size !== ids.length) throw new BadInputError('An outcome is listed twice', 'input.outcomeIds');
  let sum = 0;
  for (const id of ids) {
    const o = account.outcomes[id];
    if (!o || o.state === 'REVOKED' || o.revokedAt)
      throw new BadInputError(`Outcome ${id} is not a recognised outcome of this account`, 'input.outcomeIds', { outcomeId: id });
    if (o.state !== 'AVAILABLE')
      throw new ConflictError(
        `Outcome ${id} is already ${o.state === 'RESERVED' ? 'reserved by another application' : 'used by an approved conversion'}`,
        {
          field: 'input.outcomeIds',
          outcomeId: id,
          state: o.state,
        },
      );
    const why = outcomeMismatches(req.rule, o, req.now);
    if (why.length) throw new BadInputError(`Outcome ${id} does not qualify: ${why.join('; ')}`, 'input.outcomeIds', { outcomeId: id });
    sum += o.credits;
  }
  const required = creditsRequiredCenti(req.rule);
  if (sum < required)
    throw new BadInputError(
      `The chosen outcomes carry ${fromCenti(sum)} credits; the rule requires ${fromCenti(required)}`,
      'input.outcomeIds',
      {
        credits: fromCenti(sum),
        required: fromCenti(required),
      },
    );
  return sum;
}

/** submitConversion: the chosen outcomes are reserved for the new application. */
export function submit(account: CreditAccount, req: SubmitRequest): AccountChange {
  if (account.applications[req.applicationId]) throw new Error('application id already used');
  const sum = checkSubmission(account, req);
  const at = req.now.toISOString();
  const d = new Draft(account, at);
  for (const id of req.outcomeIds) {
    const o = d.account.outcomes[id]!;
    o.state = 'RESERVED';
    o.applicationId = req.applicationId;
  }
  const app: Application = {
    id: req.applicationId,
    accountNo: account.accountNo,
    province: account.province,
    ruleId: req.rule.id,
    ruleVersion: req.rule.version,
    ruleName: req.rule.name,
    target: { ...req.rule.target },
    outcomeIds: [...req.outcomeIds],
    credits: sum,
    status: 'SUBMITTED',
    nodeId: req.nodeId,
    idempotencyKey: req.idempotencyKey,
    submittedBy: req.actor.id,
    submittedAt: at,
    updatedAt: at,
    revokedOutcomeIds: [],
    history: [],
    rev: 0,
  };
  d.account.applications[app.id] = app;
  d.step(app, 'SUBMITTED', 'SUBMITTED', req.actor, null);
  d.entry(
    'RESERVED',
    { reserved: sum },
    { outcomeIds: [...req.outcomeIds], applicationId: app.id },
    `Reserved for ${req.rule.name}`.slice(0, 200),
  );
  d.notices.push({ kind: 'submitted', app: structuredClone(app) });
  return d.done();
}

function illegal(app: Application, what: string): never {
  throw new BadInputError(`A ${app.status} application cannot be ${what}`, 'id', { status: app.status });
}

/** 初审 by an intake operator: pass it on to the final decision, or reject it (credits released). */
export function preliminaryReview(
  account: CreditAccount,
  applicationId: string,
  approve: boolean,
  actor: Actor,
  note: string | null,
  now: Date,
): AccountChange {
  const current = application(account, applicationId);
  if (current.status !== 'SUBMITTED') illegal(current, 'preliminarily reviewed');
  const at = now.toISOString();
  const d = new Draft(account, at);
  const app = d.account.applications[applicationId]!;
  if (approve) {
    d.step(app, 'PRELIMINARY_APPROVED', 'PRELIMINARY_APPROVED', actor, note);
    d.notices.push({ kind: 'preliminarily-approved', app: structuredClone(app), by: actor.id, at });
  } else {
    d.step(app, 'PRELIMINARY_REJECTED', 'REJECTED', actor, note);
    const released = d.release(app);
    d.notices.push({
      kind: 'rejected',
      app: structuredClone(app),
      by: actor.id,
      at,
      stage: 'PRELIMINARY',
      reasonCode: 'REVIEWER',
      revokedOutcomeId: null,
      creditsReleased: released,
    });
  }
  return d.done();
}

/**
 * The final decision (centre or partner university). After preliminary approval: approve consumes the
 * reserved credits (exactly once: the outcomes move from RESERVED to CONSUMED in this one write),
 * reject releases them. For a conversion that NEEDS_REVIEW: approve upholds it (the revoked outcomes'
 * credits are reversed), reject annuls it (those are reversed and the other outcomes return to available).
 */
export function decide(
  account: CreditAccount,
  applicationId: string,
  approve: boolean,
  actor: Actor,
  note: string | null,
  now: Date,
): AccountChange {
  const current = application(account, applicationId);
  if (current.status !== 'PRELIMINARY_APPROVED' && current.status !== 'NEEDS_REVIEW') illegal(current, 'decided');
  const at = now.toISOString();
  const d = new Draft(account, at);
  const app = d.account.applications[applicationId]!;
  if (current.status === 'PRELIMINARY_APPROVED') {
    if (approve) {
      let consumed = 0;
      for (const id of app.outcomeIds) {
        const o = d.account.outcomes[id]!;
        o.state = 'CONSUMED';
        consumed += o.credits;
      }
      d.step(app, 'APPROVED', 'APPROVED', actor, note);
      d.entry(
        'CONSUMED',
        { reserved: -consumed, consumed },
        { outcomeIds: [...app.outcomeIds], applicationId: app.id },
        `Converted: ${app.ruleName}`.slice(0, 200),
      );
      d.notices.push({ kind: 'approved', app: structuredClone(app), by: actor.id, at, afterReview: false, creditsConsumed: consumed });
    } else {
      d.step(app, 'REJECTED', 'REJECTED', actor, note);
      const released = d.release(app);
      d.notices.push({
        kind: 'rejected',
        app: structuredClone(app),
        by: actor.id,
        at,
        stage: 'FINAL',
        reasonCode: 'REVIEWER',
        revokedOutcomeId: null,
        creditsReleased: released,
      });
    }
    return d.done();
  }
  // NEEDS_REVIEW: first reverse the revoked outcomes' credits, which leave the account either way.
  let kept = 0;
  for (const id of app.outcomeIds) {
    const o = d.account.outcomes[id]!;
    if (o.state !== 'CONSUMED' || o.applicationId !== app.id) continue;
    if (o.revokedAt) {
      o.state = 'REVOKED';
      if (o.credits > 0)
        d.entry(
          'REVERSED',
          { recognized: -o.credits, consumed: -o.credits },
          { outcomeIds: [o.id], applicationId: app.id },
          'Reversed after review: outcome revoked',
        );
    } else kept += o.credits;
  }
  if (approve) {
    d.step(app, 'UPHELD', 'APPROVED', actor, note);
    d.notices.push({ kind: 'approved', app: structuredClone(app), by: actor.id, at, afterReview: true, creditsConsumed: kept });
  } else {
    const back: string[] = [];
    for (const id of app.outcomeIds) {
      const o = d.account.outcomes[id]!;
      if (o.state === 'CONSUMED' && o.applicationId === app.id) {
        o.state = 'AVAILABLE';
        o.applicationId = null;
        back.push(id);
      }
    }
    d.step(app, 'ANNULLED', 'REJECTED', actor, note);
    if (kept > 0)
      d.entry('RELEASED', { consumed: -kept }, { outcomeIds: back, applicationId: app.id }, 'Released: conversion annulled after review');
    d.notices.push({
      kind: 'rejected',
      app: structuredClone(app),
      by: actor.id,
      at,
      stage: 'REVIEW',
      reasonCode: 'OUTCOME_REVOKED',
      revokedOutcomeId: app.revokedOutcomeIds[app.revokedOutcomeIds.length - 1] ?? null,
      creditsReleased: kept,
    });
  }
  return d.done();
}

/** The learner (or an operator for them) withdraws an undecided application; the credits are released. */
export function cancel(account: CreditAccount, applicationId: string, actor: Actor, now: Date): AccountChange {
  const current = application(account, applicationId);
  if (!isPending(current.status)) illegal(current, 'cancelled');
  const at = now.toISOString();
  const d = new Draft(account, at);
  const app = d.account.applications[applicationId]!;
  d.step(app, 'CANCELLED', 'CANCELLED', actor, null);
  const released = d.release(app);
  d.notices.push({ kind: 'cancelled', app: structuredClone(app), by: actor.id, at, creditsReleased: released });
  return d.done();
}

export interface RedeemRequest {
  redemptionId: string;
  itemCode: string;
  itemName: string;
  kind: string;
  quantity: number;
  points: number;
  actor: Actor;
  now: Date;
}

export function checkRedemption(account: CreditAccount, points: number): void {
  requireActiveAccount(account, 'redemptions');
  if (availablePoints(account.balances) < points)
    throw new BadInputError(`Not enough points: ${availablePoints(account.balances)} available, ${points} needed`, 'quantity', {
      available: availablePoints(account.balances),
      needed: points,
    });
}

/** redeemReward: points are spent (never below zero). A repeat of the same redemption changes nothing. */
export function redeem(account: CreditAccount, req: RedeemRequest): AccountChange | null {
  if (account.redemptions[req.redemptionId]) return null;
  checkRedemption(account, req.points);
  const at = req.now.toISOString();
  const d = new Draft(account, at);
  const r: Redemption = {
    id: req.redemptionId,
    accountNo: account.accountNo,
    itemCode: req.itemCode,
    itemName: req.itemName,
    kind: req.kind,
    quantity: req.quantity,
    points: req.points,
    by: req.actor.id,
    at,
  };
  d.account.redemptions[r.id] = r;
  if (req.points > 0)
    d.entry(
      'POINTS_REDEEMED',
      { pointsRedeemed: req.points },
      { redemptionId: r.id },
      `Redeemed: ${req.itemName} × ${req.quantity}`.slice(0, 200),
    );
  d.notices.push({ kind: 'redeemed', redemption: r });
  return d.done();
}

/** The account service's status of the learner (newer facts win). */
export function recordStatus(account: CreditAccount, status: AccountStatus, at: string): AccountChange | null {
  if (account.statusAt && account.statusAt >= at) return null;
  const d = new Draft(account, at);
  d.account.status = status;
  d.account.statusAt = at;
  return d.done();
}

/** The invariants that must hold for every account, whatever happened (used by the tests). */
export function accountProblems(a: CreditAccount): string[] {
  const out: string[] = [];
  let recognized = 0;
  let reserved = 0;
  let consumed = 0;
  for (const o of Object.values(a.outcomes)) {
    if (o.state !== 'REVOKED') recognized += o.credits;
    if (o.state === 'RESERVED') {
      reserved += o.credits;
      const app = o.applicationId ? a.applications[o.applicationId] : undefined;
      if (!app || !isPending(app.status))
        out.push(`outcome ${o.id} is reserved by ${o.applicationId} which is ${app?.status ?? 'missing'}`);
    }
    if (o.state === 'CONSUMED') {
      consumed += o.credits;
      const app = o.applicationId ? a.applications[o.applicationId] : undefined;
      if (!app || (app.status !== 'APPROVED' && app.status !== 'NEEDS_REVIEW'))
        out.push(`outcome ${o.id} is consumed by ${o.applicationId} which is ${app?.status ?? 'missing'}`);
    }
  }
  if (recognized !== a.balances.recognized) out.push(`recognized ${a.balances.recognized} ≠ outcomes ${recognized}`);
  if (reserved !== a.balances.reserved) out.push(`reserved ${a.balances.reserved} ≠ outcomes ${reserved}`);
  if (consumed !== a.balances.consumed) out.push(`consumed ${a.balances.consumed} ≠ outcomes ${consumed}`);
  if (availableCredits(a.balances) < 0) out.push('available credits below zero');
  if (availablePoints(a.balances) < 0) out.push('available points below zero');
  for (const app of Object.values(a.applications)) {
    if (!isPending(app.status)) continue;
    for (const id of app.outcomeIds) {
      const o = a.outcomes[id];
      if (!o || o.state !== 'RESERVED' || o.applicationId !== app.id) out.push(`pending application ${app.id} does not hold outcome ${id}`);
    }
  }
  return out;
}
