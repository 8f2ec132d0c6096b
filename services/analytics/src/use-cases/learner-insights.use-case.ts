import { ALL_PROVINCES, BadInputError, canReadLearner, provinceScope, type Caller } from '@creditbank/kernel';
import { joinLearners } from '../domain/dimensions';
import { learnerProfile, type LearnerProfile } from '../domain/profile';
import { recommend, type Recommendation } from '../domain/recommendations';
import type { FactReader } from './ports';

/** An empty profile: what a learner without activity — or one the caller may not see — looks like. */
export function emptyProfile(accountNo: string, now: Date): LearnerProfile {
  return learnerProfile({ accountNo, learner: null, outcomes: [], applications: [], enrolments: [], now });
}

/**
 * Profiles of several learners in one go (the Learner entity resolver batches them). Learners the
 * caller may not read get an empty profile, exactly like learners with no activity.
 */
export async function getProfiles(reader: FactReader, caller: Caller, accountNos: readonly string[], now: Date): Promise<LearnerProfile[]> {
  const visible = [...new Set(accountNos.filter((no) => canReadLearner(caller, no)))];
  if (visible.length === 0) return accountNos.map((no) => emptyProfile(no, now));
  const scope = ALL_PROVINCES; // visibility was decided per learner above
  const [learners, outcomes, projects] = await Promise.all([
    reader.learnersByAccountNo(scope, visible),
    reader.recognizedOutcomesOf(scope, visible),
    reader.learningProjects(scope),
  ]);
  const titles = new Map(projects.map((p) => [p.projectId, p.title]));
  const perLearner = await Promise.all(
    visible.map(async (no) => {
      const province = no.slice(0, 2);
      const [applications, enrolments] = await Promise.all([
        reader.applications(provinceScope(province), { accountNo: no }),
        reader.enrolments(provinceScope(province), { accountNo: no }),
      ]);
      return [no, { applications, enrolments }] as const;
    }),
  );
  const extra = new Map(perLearner);
  const byNo = new Map(learners.map((l) => [l.accountNo, l]));
  return accountNos.map((no) => {
    const more = extra.get(no);
    if (!more) return emptyProfile(no, now);
    return learnerProfile({
      accountNo: no,
      learner: byNo.get(no) ?? null,
      outcomes: outcomes.filter((o) => o.accountNo === no),
      applications: more.applications,
      enrolments: more.enrolments,
      titleOf: (id) => titles.get(id) ?? null,
      now,
    });
  });
}

export async function getRecommendations(
  reader: FactReader,
  caller: Caller,
  accountNo: string,
  limitArg: number | null | undefined,
  now: Date,
): Promise<Recommendation[]> {
  const limit = limitArg ?? 5;
  if (!Number.isInteger(limit) || limit < 1 || limit > 20) throw new BadInputError('Must be an integer from 1 to 20', 'limit');
  if (!canReadLearner(caller, accountNo)) return [];
  const scope = provinceScope(accountNo.slice(0, 2));
  const [learner] = await reader.learnersByAccountNo(scope, [accountNo]);
  if (!learner) return [];
  const county = learner.adminDivision.slice(0, 6);
  const [own, held, catalog, peerRaw, peers, projects, enrolments, rules] = await Promise.all([
    reader.recognizedOutcomesOf(scope, [accountNo]),
    reader.heldCatalogItems(scope, accountNo),
    reader.catalogItems(),
    reader.recognizedOutcomes(scope, { fromDay: null, toDay: null, type: null }),
    reader.learners(scope, county),
    reader.learningProjects(scope),
    reader.enrolments(scope, { accountNo }),
    reader.conversionRules(scope),
  ]);
  const nearby = projects.filter((p) => p.adminDivision.startsWith(county));
  const seats = new Map<string, number>();
  if (nearby.length)
    for (const e of await reader.enrolments(scope, { projectIds: nearby.map((p) => p.projectId) }))
      if (e.active) seats.set(e.projectId, (seats.get(e.projectId) ?? 0) + 1);
  return recommend({
    learner,
    outcomes: own,
    heldCodes: held,
    catalog,
    peerOutcomes: joinLearners(peerRaw, new Map(peers.map((l) => [l.accountNo, l]))),
    projects: nearby,
    seatsTaken: seats,
    enrolments,
    rules,
    now,
    limit,
  });
}
