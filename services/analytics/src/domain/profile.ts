import { ageBand, round2, type AgeBand } from './dimensions';
import { cmp } from './distribution';
import type { ApplicationFact, EnrolmentFact, LearnerFact, OutcomeType, RecognizedOutcome } from './facts';
import { OUTCOME_TYPES } from './facts';

export interface TypeCredits {
  type: OutcomeType;
  credits: number;
  outcomes: number;
}

export interface TrackLevel {
  track: string;
  level: number;
  catalogItemCode: string;
}

export type ActivityKind = 'OUTCOME_RECOGNIZED' | 'CONVERSION_SUBMITTED' | 'CONVERSION_APPROVED' | 'PROJECT_ENROLLED';

export interface Activity {
  at: string;
  kind: ActivityKind;
  ref: string;
  title: string | null;
  credits: number | null;
}

export interface LearnerProfile {
  accountNo: string;
  totalCredits: number;
  outcomes: number;
  creditsByType: TypeCredits[];
  highestLevels: TrackLevel[];
  highestVocationalLevel: number | null;
  recentActivity: Activity[];
  lastActiveAt: string | null;
  ageBand: AgeBand | null;
  segments: string[];
}

export interface ProfileInput {
  accountNo: string;
  learner: LearnerFact | null;
  outcomes: readonly RecognizedOutcome[];
  applications: readonly ApplicationFact[];
  enrolments: readonly EnrolmentFact[];
  titleOf?: (projectId: string) => string | null;
  now: Date;
}

const DAY_MS = 86_400_000;

/** Highest level reached per track (ties: the alphabetically first catalogue item). */
export function highestLevels(outcomes: readonly RecognizedOutcome[]): TrackLevel[] {
  const best = new Map<string, TrackLevel>();
  for (const o of outcomes) {
    if (!o.track || o.level === null) continue;
    const cur = best.get(o.track);
    if (!cur || o.level > cur.level || (o.level === cur.level && o.catalogItemCode < cur.catalogItemCode))
      best.set(o.track, { track: o.track, level: o.level, catalogItemCode: o.catalogItemCode });
  }
  return [...best.values()].sort((a, b) => cmp(a.track, b.track));
}

/** 学习者画像: credits by type, highest level per track, recent activity and rule-based segments. */
export function learnerProfile(input: ProfileInput): LearnerProfile {
  const { outcomes, now } = input;
  const creditsByType = OUTCOME_TYPES.map((type) => {
    const of = outcomes.filter((o) => o.type === type);
    return { type, credits: round2(of.reduce((s, o) => s + o.credits, 0)), outcomes: of.length };
  });
  const levels = highestLevels(outcomes);
  const vocational = outcomes.filter((o) => o.type === 'VOCATIONAL' && o.level !== null).map((o) => o.level as number);
  const activity: Activity[] = [
    ...outcomes.map((o) => ({ at: o.day, kind: 'OUTCOME_RECOGNIZED' as const, ref: o.outcomeId, title: o.title, credits: o.credits })),
    ...input.applications.flatMap((a) => [
      ...(a.submittedAt
        ? [{ at: a.submittedAt, kind: 'CONVERSION_SUBMITTED' as const, ref: a.applicationId, title: null, credits: null }]
        : []),
      ...(a.approvedAt
        ? [{ at: a.approvedAt, kind: 'CONVERSION_APPROVED' as const, ref: a.applicationId, title: null, credits: a.creditsConsumed }]
        : []),
    ]),
    ...input.enrolments
      .filter((e) => e.enrolledAt)
      .map((e) => ({
        at: e.enrolledAt as string,
        kind: 'PROJECT_ENROLLED' as const,
        ref: e.projectId,
        title: input.titleOf?.(e.projectId) ?? null,
        credits: null,
      })),
  ].sort((a, b) => cmp(b.at, a.at) || cmp(a.kind, b.kind) || cmp(a.ref, b.ref));
  const totalCredits = round2(outcomes.reduce((s, o) => s + o.credits, 0));
  const lastActiveAt = activity[0]?.at ?? null;
  const band = input.learner ? ageBand(input.learner.birthYear, now.getUTCFullYear()) : null;

  const segments: string[] = [];
  if (outcomes.length === 0) segments.push('NEW_LEARNER');
  else if (lastActiveAt && now.getTime() - Date.parse(lastActiveAt) <= 90 * DAY_MS) segments.push('ACTIVE');
  else if (lastActiveAt && now.getTime() - Date.parse(lastActiveAt) > 365 * DAY_MS) segments.push('DORMANT');
  else segments.push('OCCASIONAL');
  if (vocational.length && Math.max(...vocational) >= 3) segments.push('SKILLED_WORKER');
  if (levels.length >= 2) segments.push('MULTI_TRACK');
  if (totalCredits >= 30) segments.push('HIGH_ACHIEVER');
  if (input.applications.some((a) => a.approvedAt)) segments.push('CONVERTER');
  const dominant = [...creditsByType].sort((a, b) => b.credits - a.credits)[0];
  if (dominant && dominant.credits > 0) segments.push(`FOCUS_${dominant.type}`);
  if (band) segments.push(`AGE_${band}`);

  return {
    accountNo: input.accountNo,
    totalCredits,
    outcomes: outcomes.length,
    creditsByType,
    highestLevels: levels,
    highestVocationalLevel: vocational.length ? Math.max(...vocational) : null,
    recentActivity: activity.slice(0, 10),
    lastActiveAt,
    ageBand: band,
    segments,
  };
}
