import { ageBand, countyOf, type LearnerOutcome } from './dimensions';
import { cmp } from './distribution';
import type { CatalogItemFact, ConversionRuleFact, EnrolmentFact, LearnerFact, LearningProjectFact, RecognizedOutcome } from './facts';
import { highestLevels } from './profile';

export type RecommendationKind = 'NEXT_LEVEL' | 'POPULAR_NEARBY' | 'LOCAL_PROJECT' | 'CONVERSION_PROGRESS';

export interface Recommendation {
  kind: RecommendationKind;
  catalogItemCode: string | null;
  learningProjectId: string | null;
  title: string;
  reason: string;
  score: number;
}

export interface RecommendationInput {
  learner: LearnerFact;
  /** The learner's own recognised outcomes. */
  outcomes: readonly RecognizedOutcome[];
  /** Catalogue items the learner holds in any state (deposited, pending, recognised): never recommended. */
  heldCodes: ReadonlySet<string>;
  catalog: readonly CatalogItemFact[];
  /** Recognised outcomes of learners of the same province (peers are picked from these). */
  peerOutcomes: readonly LearnerOutcome[];
  projects: readonly LearningProjectFact[];
  /** Active enrolments per project (seats taken). */
  seatsTaken: ReadonlyMap<string, number>;
  /** The learner's own enrolments. */
  enrolments: readonly EnrolmentFact[];
  rules: readonly ConversionRuleFact[];
  now: Date;
  limit: number;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** Credits of the learner's outcomes that a rule's source criteria accept. */
export function qualifyingCredits(rule: ConversionRuleFact, outcomes: readonly RecognizedOutcome[], now: Date): number {
  return outcomes
    .filter((o) => {
      if (rule.catalogItemCodes.length && !rule.catalogItemCodes.includes(o.catalogItemCode)) return false;
      if (rule.types.length && !rule.types.includes(o.type)) return false;
      if (rule.minLevel !== null && (o.level === null || o.level < rule.minLevel)) return false;
      if (rule.minScore !== null && (o.score === null || o.score < rule.minScore)) return false;
      if (rule.withinYears !== null) {
        const limit = new Date(now);
        limit.setUTCFullYear(limit.getUTCFullYear() - rule.withinYears);
        if (o.achievedAt < limit.toISOString().slice(0, 10)) return false;
      }
      return true;
    })
    .reduce((s, o) => s + o.credits, 0);
}

/**
 * 精准推送: next level in a started track, programmes popular with similar learners (same county and
 * age band), open local learning projects nearby, and programmes that count toward a conversion
 * rule the learner is at least halfway to. Never an item the learner already holds; one entry per
 * item (the best-scored reason); ordered by score, then kind, then code.
 */
export function recommend(input: RecommendationInput): Recommendation[] {
  const { learner, heldCodes, now } = input;
  const out = new Map<string, Recommendation>();
  const add = (key: string, rec: Recommendation) => {
    const cur = out.get(key);
    if (!cur || rec.score > cur.score) out.set(key, rec);
  };
  const liveItems = input.catalog.filter((c) => !c.retired && (c.province === null || c.province === learner.province));
  const itemByCode = new Map(liveItems.map((c) => [c.code, c]));

  // 1. The next level of each track the learner started (初级 → 中级).
  for (const tl of highestLevels(input.outcomes)) {
    const next = liveItems
      .filter((c) => c.track === tl.track && c.level === tl.level + 1 && !heldCodes.has(c.code))
      .sort((a, b) => cmp(a.code, b.code))[0];
    if (next)
      add(`item:${next.code}`, {
        kind: 'NEXT_LEVEL',
        catalogItemCode: next.code,
        learningProjectId: null,
        title: next.title,
        reason: `已取得${tl.track}第${tl.level}级，可继续考取第${tl.level + 1}级：${next.title}`,
        score: 0.9,
      });
  }

  // 2. Popular with similar learners: same county, same age band.
  const year = now.getUTCFullYear();
  const band = ageBand(learner.birthYear, year);
  const county = countyOf(learner.adminDivision);
  const peers = new Set<string>();
  const byItem = new Map<string, { learners: Set<string>; title: string }>();
  for (const o of input.peerOutcomes) {
    if (o.accountNo === learner.accountNo) continue;
    if (countyOf(o.learner.adminDivision) !== county || ageBand(o.learner.birthYear, year) !== band) continue;
    peers.add(o.accountNo);
    let it = byItem.get(o.catalogItemCode);
    if (!it) byItem.set(o.catalogItemCode, (it = { learners: new Set(), title: o.title }));
    it.learners.add(o.accountNo);
  }
  [...byItem]
    .filter(([code]) => !heldCodes.has(code) && (itemByCode.has(code) || !input.catalog.some((c) => c.code === code)))
    .sort(([ca, a], [cb, b]) => b.learners.size - a.learners.size || cmp(ca, cb))
    .slice(0, 5)
    .forEach(([code, it]) => {
      const share = it.learners.size / Math.max(1, peers.size);
      add(`item:${code}`, {
        kind: 'POPULAR_NEARBY',
        catalogItemCode: code,
        learningProjectId: null,
        title: itemByCode.get(code)?.title ?? it.title,
        reason: `同县${band}岁学员中有${it.learners.size}人学过`,
        score: r3(0.5 + 0.3 * share),
      });
    });

  // 3. Open local learning projects in the learner's county with seats left.
  const enrolled = new Set(input.enrolments.filter((e) => e.active).map((e) => e.projectId));
  const nowIso = now.toISOString();
  for (const p of input.projects) {
    if (p.cancelled || p.province !== learner.province || countyOf(p.adminDivision) !== county) continue;
    if ((p.endsAt ?? p.startsAt) < nowIso || enrolled.has(p.projectId)) continue;
    if ((input.seatsTaken.get(p.projectId) ?? 0) >= p.capacity) continue;
    if (p.catalogItemCode && heldCodes.has(p.catalogItemCode)) continue;
    const sameTownship = p.adminDivision === learner.adminDivision;
    add(`project:${p.projectId}`, {
      kind: 'LOCAL_PROJECT',
      catalogItemCode: p.catalogItemCode,
      learningProjectId: p.projectId,
      title: p.title,
      reason: sameTownship ? '就在你所在的乡镇（街道），还有名额' : '你所在的县（区）有这个学习项目，还有名额',
      score: sameTownship ? 0.8 : 0.7,
    });
  }

  // 4. Programmes counting toward a conversion rule the learner is at least halfway to.
  for (const rule of input.rules) {
    if (rule.retired || rule.province !== learner.province || rule.creditsRequired <= 0) continue;
    if ((rule.effectiveFrom && rule.effectiveFrom > nowIso) || (rule.effectiveTo && rule.effectiveTo < nowIso)) continue;
    const have = qualifyingCredits(rule, input.outcomes, now);
    const progress = have / rule.creditsRequired;
    if (progress < 0.5 || progress >= 1) continue;
    for (const code of [...rule.catalogItemCodes].sort()) {
      if (heldCodes.has(code)) continue;
      const item = itemByCode.get(code);
      if (!item) continue;
      if (rule.minLevel !== null && (item.level === null || item.level < rule.minLevel)) continue;
      add(`item:${code}`, {
        kind: 'CONVERSION_PROGRESS',
        catalogItemCode: code,
        learningProjectId: null,
        title: item.title,
        reason: `距离「${rule.name}」还差${Math.round((rule.creditsRequired - have) * 100) / 100}学分`,
        score: r3(0.6 + 0.3 * progress),
      });
    }
  }

  const order: Record<RecommendationKind, number> = { NEXT_LEVEL: 0, CONVERSION_PROGRESS: 1, LOCAL_PROJECT: 2, POPULAR_NEARBY: 3 };
  return [...out.entries()]
    .sort(([ka, a], [kb, b]) => b.score - a.score || order[a.kind] - order[b.kind] || cmp(ka, kb))
    .slice(0, input.limit)
    .map(([, r]) => r);
}
