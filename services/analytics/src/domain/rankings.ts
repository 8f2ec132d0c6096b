import { round2, type LearnerOutcome } from './dimensions';
import { cmp } from './distribution';
import type { LearnerFact, OutcomeType } from './facts';

/**
 * Rankings (热门培训项目, 学习之星, 学习型家庭, 学习型社区). Every ordering ends in a unique key, so
 * equal figures always come out in the same order; ranks are positions 1..n of that order.
 * Ratios (credits per member, participation) are only ranked for groups of at least a minimum size,
 * so a one-person "community" cannot top a ranking of real ones.
 */
export interface ProgramRank {
  rank: number;
  catalogItemCode: string;
  name: string;
  type: OutcomeType;
  learners: number;
  outcomes: number;
  credits: number;
}

export function hotPrograms(outcomes: readonly LearnerOutcome[], limit: number, nameOf: (code: string) => string | null): ProgramRank[] {
  const acc = new Map<string, { type: OutcomeType; title: string; learners: Set<string>; outcomes: number; credits: number }>();
  for (const o of outcomes) {
    let a = acc.get(o.catalogItemCode);
    if (!a) acc.set(o.catalogItemCode, (a = { type: o.type, title: o.title, learners: new Set(), outcomes: 0, credits: 0 }));
    a.learners.add(o.accountNo);
    a.outcomes++;
    a.credits += o.credits;
  }
  return [...acc]
    .map(([code, a]) => ({
      catalogItemCode: code,
      name: nameOf(code) ?? a.title,
      type: a.type,
      learners: a.learners.size,
      outcomes: a.outcomes,
      credits: round2(a.credits),
    }))
    .sort(
      (a, b) => b.learners - a.learners || b.outcomes - a.outcomes || b.credits - a.credits || cmp(a.catalogItemCode, b.catalogItemCode),
    )
    .slice(0, limit)
    .map((p, i) => ({ rank: i + 1, ...p }));
}

export interface LearnerRank {
  rank: number;
  accountNo: string;
  adminDivision: string;
  credits: number;
  outcomes: number;
}

/** 学习之星: learners by recognised credits in the period, then outcomes, then account number. */
export function learningStars(outcomes: readonly LearnerOutcome[], limit: number): LearnerRank[] {
  const acc = new Map<string, { division: string; credits: number; outcomes: number }>();
  for (const o of outcomes) {
    let a = acc.get(o.accountNo);
    if (!a) acc.set(o.accountNo, (a = { division: o.learner.adminDivision, credits: 0, outcomes: 0 }));
    a.credits += o.credits;
    a.outcomes++;
  }
  return [...acc]
    .map(([accountNo, a]) => ({ accountNo, adminDivision: a.division, credits: round2(a.credits), outcomes: a.outcomes }))
    .sort((a, b) => b.credits - a.credits || b.outcomes - a.outcomes || cmp(a.accountNo, b.accountNo))
    .slice(0, limit)
    .map((l, i) => ({ rank: i + 1, ...l }));
}

export interface FamilyRank {
  rank: number;
  householdId: string;
  adminDivision: string;
  members: number;
  activeMembers: number;
  credits: number;
  outcomes: number;
  creditsPerMember: number;
}

/**
 * 学习型家庭: households (of at least `minMembers` accounts) by credits per member, then total
 * credits, then active members, then household id.
 */
export function learningFamilies(
  outcomes: readonly LearnerOutcome[],
  population: readonly LearnerFact[],
  limit: number,
  minMembers: number,
): FamilyRank[] {
  const households = new Map<string, { division: string; members: number; active: Set<string>; credits: number; outcomes: number }>();
  for (const l of population) {
    if (!l.householdId) continue;
    let h = households.get(l.householdId);
    if (!h) households.set(l.householdId, (h = { division: l.adminDivision, members: 0, active: new Set(), credits: 0, outcomes: 0 }));
    h.members++;
    if (l.adminDivision < h.division) h.division = l.adminDivision;
  }
  for (const o of outcomes) {
    const h = o.learner.householdId ? households.get(o.learner.householdId) : undefined;
    if (!h) continue;
    h.active.add(o.accountNo);
    h.credits += o.credits;
    h.outcomes++;
  }
  return [...households]
    .filter(([, h]) => h.members >= minMembers && h.outcomes > 0)
    .map(([householdId, h]) => ({
      householdId,
      adminDivision: h.division,
      members: h.members,
      activeMembers: h.active.size,
      credits: round2(h.credits),
      outcomes: h.outcomes,
      creditsPerMember: round2(h.credits / h.members),
    }))
    .sort(
      (a, b) =>
        b.creditsPerMember - a.creditsPerMember ||
        b.credits - a.credits ||
        b.activeMembers - a.activeMembers ||
        cmp(a.householdId, b.householdId),
    )
    .slice(0, limit)
    .map((f, i) => ({ rank: i + 1, ...f }));
}

export interface CommunityRank {
  rank: number;
  division: string;
  accounts: number;
  participants: number;
  participationRate: number;
  credits: number;
  creditsPerAccount: number;
  outcomes: number;
}

/**
 * 学习型社区: village/community divisions (the learners' own division codes) with at least
 * `minPopulation` accounts, by participation rate (accounts with a recognised outcome in the period ÷
 * accounts), then credits per account, then accounts, then division code.
 */
export function learningCommunities(
  outcomes: readonly LearnerOutcome[],
  population: readonly LearnerFact[],
  limit: number,
  minPopulation: number,
): CommunityRank[] {
  const divisions = new Map<string, { accounts: number; participants: Set<string>; credits: number; outcomes: number }>();
  for (const l of population) {
    let d = divisions.get(l.adminDivision);
    if (!d) divisions.set(l.adminDivision, (d = { accounts: 0, participants: new Set(), credits: 0, outcomes: 0 }));
    d.accounts++;
  }
  for (const o of outcomes) {
    const d = divisions.get(o.learner.adminDivision);
    if (!d) continue;
    d.participants.add(o.accountNo);
    d.credits += o.credits;
    d.outcomes++;
  }
  return [...divisions]
    .filter(([, d]) => d.accounts >= minPopulation)
    .map(([division, d]) => ({
      division,
      accounts: d.accounts,
      participants: d.participants.size,
      participationRate: Math.round((d.participants.size / d.accounts) * 10_000) / 10_000,
      credits: round2(d.credits),
      creditsPerAccount: round2(d.credits / d.accounts),
      outcomes: d.outcomes,
    }))
    .sort(
      (a, b) =>
        b.participationRate - a.participationRate ||
        b.creditsPerAccount - a.creditsPerAccount ||
        b.accounts - a.accounts ||
        cmp(a.division, b.division),
    )
    .slice(0, limit)
    .map((c, i) => ({ rank: i + 1, ...c }));
}
