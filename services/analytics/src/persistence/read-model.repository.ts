import type { Collection, Db, Document, Filter, IndexDescription } from 'mongodb';
import { isTransientDatabaseError, tenantFilter } from '@creditbank/mongo';
import type { TenantScope } from '@creditbank/kernel';
import type {
  ApplicationFact,
  CatalogItemFact,
  ConversionRuleFact,
  DepositFact,
  EnrolmentFact,
  Gender,
  InstitutionFact,
  LearnerFact,
  LearningProjectFact,
  OperatorAssignmentFact,
  OutcomeType,
  RecognizedOutcome,
} from '../domain/facts';
import type { ReadModelStore } from '../use-cases/ports';
import { createWriteCoalescer } from './write-coalescer';

/**
 * The analytics read models in MongoDB. Each collection holds one document per source entity,
 * keyed by its id (`_id` writes only: cheap on every MongoDB-wire backend); each event sets its own
 * part of the document, and parts that change over time carry their own time or version and are
 * only replaced by a newer one. No counters: aggregates are computed from the facts, so a
 * redelivered or reordered event can never count twice.
 */
export const READ_MODEL_COLLECTIONS = [
  'learners',
  'outcomes',
  'catalog_items',
  'institutions',
  'service_nodes',
  'operator_assignments',
  'learning_projects',
  'enrolments',
  'conversion_rules',
  'applications',
  'freshness',
] as const;
type Name = (typeof READ_MODEL_COLLECTIONS)[number];

const INDEXES: Partial<Record<Name, IndexDescription[]>> = {
  learners: [{ key: { province: 1, 'opened.adminDivision': 1 } }, { key: { province: 1, 'opened.nodeId': 1, 'opened.openedAt': 1 } }],
  outcomes: [
    { key: { province: 1, 'recognized.day': 1 } },
    { key: { 'recognized.accountNo': 1 } },
    { key: { 'deposited.accountNo': 1 } },
    { key: { 'claimed.accountNo': 1 } },
    { key: { province: 1, 'deposited.depositedBy': 1 } },
  ],
  operator_assignments: [{ key: { province: 1, nodeId: 1 } }, { key: { province: 1, userId: 1 } }],
  learning_projects: [{ key: { province: 1, adminDivision: 1 } }],
  enrolments: [{ key: { accountNo: 1 } }, { key: { province: 1, projectId: 1 } }],
  conversion_rules: [{ key: { province: 1 } }],
  applications: [{ key: { accountNo: 1 } }, { key: { province: 1, 'submitted.nodeId': 1 } }, { key: { province: 1, 'submitted.at': 1 } }],
};

type Doc = Document & { _id: string };

interface LearnerDoc extends Doc {
  province: string;
  opened?: {
    adminDivision: string;
    gender: Gender;
    birthYear: number;
    householdId: string | null;
    channel: 'ONLINE' | 'INTAKE_POINT';
    nodeId: string | null;
    openedAt: string;
    status: string;
  };
  profile?: { adminDivision: string; householdId: string | null; at: string };
  status?: { value: string; at: string };
}

interface OutcomeDoc extends Doc {
  province: string;
  deposited?: {
    accountNo: string | null;
    source: DepositFact['source'];
    type: OutcomeType;
    catalogItemCode: string;
    title: string;
    institutionCode: string | null;
    status: string;
    depositedBy: string;
    depositedAt: string;
  };
  recognized?: Omit<RecognizedOutcome, 'outcomeId' | 'province'> & { at: string };
  claimed?: { accountNo: string; at: string };
  rejectedAt?: string;
  revokedAt?: string;
}

interface ApplicationDoc extends Doc {
  province: string;
  accountNo: string;
  ruleId: string;
  submitted?: { nodeId: string | null; at: string };
  approved?: { credits: number; at: string };
  rejectedAt?: string;
  cancelledAt?: string;
}

export function toLearner(d: LearnerDoc): LearnerFact | null {
  if (!d.opened) return null;
  return {
    accountNo: d._id,
    province: d.province,
    adminDivision: d.profile?.adminDivision ?? d.opened.adminDivision,
    gender: d.opened.gender,
    birthYear: d.opened.birthYear,
    householdId: d.profile ? d.profile.householdId : d.opened.householdId,
    channel: d.opened.channel,
    nodeId: d.opened.nodeId,
    openedAt: d.opened.openedAt,
    status: d.status?.value ?? d.opened.status,
  };
}

function toRecognized(d: OutcomeDoc): RecognizedOutcome | null {
  if (!d.recognized || d.revokedAt) return null;
  const { at: _at, ...r } = d.recognized;
  return { outcomeId: d._id, province: d.province, ...r };
}

function toApplication(d: ApplicationDoc): ApplicationFact {
  return {
    applicationId: d._id,
    province: d.province,
    accountNo: d.accountNo,
    ruleId: d.ruleId,
    nodeId: d.submitted?.nodeId ?? null,
    submittedAt: d.submitted?.at ?? null,
    approvedAt: d.approved?.at ?? null,
    rejectedAt: d.rejectedAt ?? null,
    cancelledAt: d.cancelledAt ?? null,
    creditsConsumed: d.approved?.credits ?? 0,
  };
}

const CLOSE_LOOKUP = 500;

function chunks<T>(list: readonly T[], size = CLOSE_LOOKUP): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export interface ReadModelRepositoryOptions {
  db: () => Db;
  /** The generation to read and write (the active one, or the one a rebuild fills). */
  generation: () => string;
  /** Freshness documents are written at most this often per topic. */
  freshnessWriteMs?: number;
}

export function createReadModelRepository(options: ReadModelRepositoryOptions): ReadModelStore {
  const ensured = new Map<string, Promise<void>>();
  const freshnessWriteMs = options.freshnessWriteMs ?? 1000;
  const lastFreshnessWrite = new Map<string, number>();

  /**
   * Declare the indexes of a generation once per process. Only missing ones are created (the local
   * FerretDB drops the connection when asked to create an index that exists), and a failure never
   * blocks reads or writes: indexes speed queries up, they do not change results.
   */
  function ensureIndexes(generation: string): Promise<void> {
    let p = ensured.get(generation);
    if (!p) {
      p = (async () => {
        const db = options.db();
        for (const [name, indexes] of Object.entries(INDEXES)) {
          const c = db.collection(`${generation}_${name}`);
          const existing = new Set(
            (
              await c
                .listIndexes()
                .toArray()
                .catch(() => [] as Document[])
            ).map((i) => String(i['name'])),
          );
          const missing = indexes
            .map((i) => ({
              ...i,
              name:
                i.name ??
                Object.entries(i.key)
                  .map(([k, v]) => `${k}_${String(v)}`)
                  .join('_'),
            }))
            .filter((i) => !existing.has(i.name));
          if (missing.length) await c.createIndexes(missing);
        }
      })().catch(() => undefined);
      ensured.set(generation, p);
    }
    return p;
  }

  async function col<T extends Doc>(name: Name): Promise<Collection<T>> {
    const generation = options.generation();
    await ensureIndexes(generation);
    return options.db().collection<T>(`${generation}_${name}`);
  }

  // Writes issued in the same tick (the consumer applies a batch's events concurrently) go out as one
  // bulkWrite per collection.
  const coalescer = createWriteCoalescer();

  /** Set `set` on document `id` unless it already carries a `stampField` at least as new as `stamp`. */
  async function setIfNewer(name: Name, id: string, stampField: string, stamp: string | number, set: Document): Promise<void> {
    const c = await col<Doc>(name);
    // The document exists with a newer (or the same) stamp: the upsert's insert collides. Nothing to do.
    await coalescer.write(
      c,
      {
        updateOne: {
          filter: { _id: id, $or: [{ [stampField]: { $exists: false } }, { [stampField]: { $lt: stamp } }] } as Filter<Doc>,
          update: { $set: { ...set, [stampField]: stamp } },
          upsert: true,
        },
      },
      true,
    );
  }

  async function set(name: Name, id: string, fields: Document): Promise<void> {
    const c = await col<Doc>(name);
    await coalescer.write(c, { updateOne: { filter: { _id: id }, update: { $set: fields }, upsert: true } });
  }

  async function byIds<T extends Doc>(name: Name, ids: readonly string[], extra: Filter<T> = {}): Promise<T[]> {
    if (ids.length === 0) return [];
    const c = await col<T>(name);
    const out: T[] = [];
    for (const part of chunks([...new Set(ids)]))
      out.push(...((await c.find({ _id: { $in: part }, ...extra } as Filter<T>).toArray()) as T[]));
    return out;
  }

  async function assignments(scope: TenantScope, field: 'nodeId' | 'userId', values: readonly string[]): Promise<OperatorAssignmentFact[]> {
    if (values.length === 0) return [];
    const c = await col<Doc>('operator_assignments');
    const docs = await c.find({ ...tenantFilter(scope), [field]: { $in: [...values] } } as Filter<Doc>).toArray();
    return docs.map(
      (d) =>
        ({ userId: d['userId'], nodeId: d['nodeId'], province: d['province'], kind: d['kind'], at: d['at'] }) as OperatorAssignmentFact,
    );
  }

  const store: ReadModelStore = {
    // ---- writes ----
    async learnerOpened(f) {
      const { accountNo, province, ...opened } = f;
      await set('learners', accountNo, { province, opened });
    },
    async learnerProfileUpdated(f) {
      await setIfNewer('learners', f.accountNo, 'profile.at', f.at, {
        province: f.province,
        'profile.adminDivision': f.adminDivision,
        'profile.householdId': f.householdId,
      });
    },
    async learnerStatusChanged(f) {
      await setIfNewer('learners', f.accountNo, 'status.at', f.at, { province: f.province, 'status.value': f.status });
    },
    async outcomeDeposited(f) {
      const { outcomeId, province, ...deposited } = f;
      await set('outcomes', outcomeId, { province, deposited });
    },
    async outcomeRecognized(f) {
      const { outcomeId, province, ...recognized } = f;
      await set('outcomes', outcomeId, { province, recognized });
    },
    async outcomeRejected(f) {
      await set('outcomes', f.outcomeId, { province: f.province, rejectedAt: f.at });
    },
    async outcomeRevoked(f) {
      await set('outcomes', f.outcomeId, { province: f.province, revokedAt: f.at });
    },
    async outcomeClaimed(f) {
      await set('outcomes', f.outcomeId, { province: f.province, claimed: { accountNo: f.accountNo, at: f.at } });
    },
    async catalogItemPublished(f) {
      const { code, version, ...rest } = f;
      await setIfNewer('catalog_items', code, 'version', version, rest);
    },
    async catalogItemRetired(f) {
      await setIfNewer('catalog_items', f.code, 'retiredVersion', f.version, {});
    },
    async institutionChanged(f) {
      const { code, at, ...rest } = f;
      await setIfNewer('institutions', code, 'at', at, rest);
    },
    async serviceNodeChanged(f) {
      const { nodeId, at, name, ...rest } = f;
      await setIfNewer('service_nodes', nodeId, 'at', at, { ...rest, ...(name ? { name } : {}) });
    },
    async operatorAssignment(f) {
      await set('operator_assignments', `${f.userId}|${f.nodeId}|${f.kind}|${f.at}`, f);
    },
    async projectPublished(f) {
      const { projectId, ...rest } = f;
      await set('learning_projects', projectId, rest);
    },
    async projectCancelled(f) {
      await set('learning_projects', f.projectId, { province: f.province, cancelledAt: f.at });
    },
    async enrolment(f) {
      await setIfNewer('enrolments', `${f.projectId}|${f.accountNo}`, f.enrolled ? 'enrolledAt' : 'cancelledAt', f.at, {
        projectId: f.projectId,
        accountNo: f.accountNo,
        province: f.province,
      });
    },
    async rulePublished(f) {
      const { ruleId, version, ...rest } = f;
      await setIfNewer('conversion_rules', ruleId, 'version', version, rest);
    },
    async ruleRetired(f) {
      await setIfNewer('conversion_rules', f.ruleId, 'retiredVersion', f.version, {});
    },
    async applicationSubmitted(f) {
      await set('applications', f.applicationId, {
        province: f.province,
        accountNo: f.accountNo,
        ruleId: f.ruleId,
        submitted: { nodeId: f.nodeId, at: f.at },
      });
    },
    async applicationApproved(f) {
      await set('applications', f.applicationId, {
        province: f.province,
        accountNo: f.accountNo,
        ruleId: f.ruleId,
        approved: { credits: f.credits, at: f.at },
      });
    },
    async applicationClosed(f) {
      await set('applications', f.applicationId, {
        province: f.province,
        accountNo: f.accountNo,
        ruleId: f.ruleId,
        [f.outcome === 'rejected' ? 'rejectedAt' : 'cancelledAt']: f.at,
      });
    },
    async eventApplied(topic, eventTime) {
      const now = Date.now();
      if (now - (lastFreshnessWrite.get(topic) ?? 0) < freshnessWriteMs) return;
      lastFreshnessWrite.set(topic, now);
      await setIfNewer('freshness', topic, 'lastEventAt', eventTime, { appliedAt: new Date(now).toISOString() });
    },

    // ---- reads ----
    async learners(scope, divisionPrefix) {
      const c = await col<LearnerDoc>('learners');
      const docs = await c.find({ ...tenantFilter(scope), opened: { $exists: true } } as Filter<LearnerDoc>).toArray();
      return docs
        .map((d) => toLearner(d as LearnerDoc))
        .filter((l): l is LearnerFact => !!l && (!divisionPrefix || l.adminDivision.startsWith(divisionPrefix)));
    },
    async learnersByAccountNo(scope, accountNos) {
      return (await byIds<LearnerDoc>('learners', accountNos))
        .filter((d) => 'all' in scope || d.province === scope.province)
        .map(toLearner)
        .filter((l): l is LearnerFact => !!l);
    },
    async recognizedOutcomes(scope, q) {
      const c = await col<OutcomeDoc>('outcomes');
      const day: Record<string, string> = {};
      if (q.fromDay) day['$gte'] = q.fromDay;
      if (q.toDay) day['$lte'] = q.toDay;
      const filter: Document = { ...tenantFilter(scope), recognized: { $exists: true }, revokedAt: { $exists: false } };
      if (q.fromDay || q.toDay) filter['recognized.day'] = day;
      if (q.type) filter['recognized.type'] = q.type;
      const docs = await c.find(filter as Filter<OutcomeDoc>, { projection: { deposited: 0 } }).toArray();
      return docs.map((d) => toRecognized(d as OutcomeDoc)).filter((o): o is RecognizedOutcome => !!o);
    },
    async recognizedOutcomesOf(scope, accountNos) {
      if (accountNos.length === 0) return [];
      const c = await col<OutcomeDoc>('outcomes');
      const docs = await c
        .find({ ...tenantFilter(scope), 'recognized.accountNo': { $in: [...accountNos] } } as Filter<OutcomeDoc>, {
          projection: { deposited: 0 },
        })
        .toArray();
      return docs.map((d) => toRecognized(d as OutcomeDoc)).filter((o): o is RecognizedOutcome => !!o);
    },
    async heldCatalogItems(scope, accountNo) {
      const c = await col<OutcomeDoc>('outcomes');
      const docs = (await c
        .find({
          ...tenantFilter(scope),
          $or: [{ 'deposited.accountNo': accountNo }, { 'claimed.accountNo': accountNo }, { 'recognized.accountNo': accountNo }],
        } as Filter<OutcomeDoc>)
        .toArray()) as OutcomeDoc[];
      const held = new Set<string>();
      for (const d of docs) {
        if (d.revokedAt || (d.rejectedAt && !d.recognized)) continue;
        const code = d.recognized?.catalogItemCode ?? d.deposited?.catalogItemCode;
        if (code) held.add(code);
      }
      return held;
    },
    async intakeDeposits(scope, depositedBy) {
      if (depositedBy.length === 0) return [];
      const c = await col<OutcomeDoc>('outcomes');
      const docs = (await c
        .find({
          ...tenantFilter(scope),
          'deposited.source': 'INTAKE_POINT',
          'deposited.depositedBy': { $in: [...depositedBy] },
        } as Filter<OutcomeDoc>)
        .toArray()) as OutcomeDoc[];
      return docs.flatMap((d) =>
        d.deposited
          ? [
              {
                outcomeId: d._id,
                province: d.province,
                source: d.deposited.source,
                depositedBy: d.deposited.depositedBy,
                depositedAt: d.deposited.depositedAt,
              },
            ]
          : [],
      );
    },
    async learnersOpenedAt(scope, nodeIds) {
      if (nodeIds.length === 0) return [];
      const c = await col<LearnerDoc>('learners');
      const docs = await c.find({ ...tenantFilter(scope), 'opened.nodeId': { $in: [...nodeIds] } } as Filter<LearnerDoc>).toArray();
      return docs.map((d) => toLearner(d as LearnerDoc)).filter((l): l is LearnerFact => !!l);
    },
    async operatorAssignments(scope, nodeIds) {
      return assignments(scope, 'nodeId', nodeIds);
    },
    async operatorAssignmentsOf(scope, userIds) {
      return assignments(scope, 'userId', userIds);
    },
    async applications(scope, q) {
      const c = await col<ApplicationDoc>('applications');
      const filter: Document = { ...tenantFilter(scope) };
      if (q.nodeIds) filter['submitted.nodeId'] = { $in: [...q.nodeIds] };
      if (q.accountNo) filter['accountNo'] = q.accountNo;
      return ((await c.find(filter as Filter<ApplicationDoc>).toArray()) as ApplicationDoc[]).map(toApplication);
    },
    async catalogItems() {
      const c = await col<Doc>('catalog_items');
      const docs = await c.find({ title: { $exists: true } }).toArray();
      return docs.map(
        (d) =>
          ({
            code: d._id,
            version: d['version'],
            province: d['province'] ?? null,
            title: d['title'],
            type: d['type'],
            level: d['level'] ?? null,
            track: d['track'] ?? null,
            retired: typeof d['retiredVersion'] === 'number' && d['retiredVersion'] >= d['version'],
          }) as CatalogItemFact,
      );
    },
    async institutions(scope, codes) {
      return (await byIds<Doc>('institutions', codes))
        .filter((d) => 'all' in scope || d['province'] === scope.province)
        .map((d) => ({ code: d._id, name: d['name'], province: d['province'], adminDivision: d['adminDivision'] }) as InstitutionFact);
    },
    async learningProjects(scope) {
      const c = await col<Doc>('learning_projects');
      const docs = await c.find({ ...tenantFilter(scope), title: { $exists: true } } as Filter<Doc>).toArray();
      return docs.map(
        (d) =>
          ({
            projectId: d._id,
            nodeId: d['nodeId'],
            province: d['province'],
            adminDivision: d['adminDivision'],
            title: d['title'],
            catalogItemCode: d['catalogItemCode'] ?? null,
            startsAt: d['startsAt'],
            endsAt: d['endsAt'] ?? null,
            capacity: d['capacity'],
            cancelled: !!d['cancelledAt'],
          }) as LearningProjectFact,
      );
    },
    async enrolments(scope, q) {
      const c = await col<Doc>('enrolments');
      const filter: Document = { ...tenantFilter(scope) };
      if (q.accountNo) filter['accountNo'] = q.accountNo;
      if (q.projectIds) filter['projectId'] = { $in: [...q.projectIds] };
      const docs = await c.find(filter as Filter<Doc>).toArray();
      return docs.map((d) => {
        const enrolledAt = (d['enrolledAt'] as string | undefined) ?? null;
        const cancelledAt = (d['cancelledAt'] as string | undefined) ?? null;
        return {
          projectId: d['projectId'],
          accountNo: d['accountNo'],
          province: d['province'],
          enrolledAt,
          active: !!enrolledAt && (!cancelledAt || enrolledAt > cancelledAt),
        } as EnrolmentFact;
      });
    },
    async conversionRules(scope) {
      const c = await col<Doc>('conversion_rules');
      const docs = await c.find({ ...tenantFilter(scope), name: { $exists: true } } as Filter<Doc>).toArray();
      return docs.map(
        (d) =>
          ({
            ruleId: d._id,
            version: d['version'],
            province: d['province'],
            name: d['name'],
            creditsRequired: d['creditsRequired'],
            catalogItemCodes: d['catalogItemCodes'] ?? [],
            types: d['types'] ?? [],
            minLevel: d['minLevel'] ?? null,
            minScore: d['minScore'] ?? null,
            withinYears: d['withinYears'] ?? null,
            effectiveFrom: d['effectiveFrom'] ?? null,
            effectiveTo: d['effectiveTo'] ?? null,
            retired: typeof d['retiredVersion'] === 'number' && d['retiredVersion'] >= d['version'],
          }) as ConversionRuleFact,
      );
    },
    async freshness() {
      const c = await col<Doc>('freshness');
      const docs = await c.find({}).toArray();
      return docs.map((d) => ({ topic: d._id, lastEventAt: d['lastEventAt'], appliedAt: d['appliedAt'] }));
    },
  };
  return withReadRetries(store);
}

const READS = [
  'learners',
  'learnersByAccountNo',
  'recognizedOutcomes',
  'recognizedOutcomesOf',
  'heldCatalogItems',
  'intakeDeposits',
  'learnersOpenedAt',
  'operatorAssignments',
  'operatorAssignmentsOf',
  'applications',
  'catalogItems',
  'institutions',
  'learningProjects',
  'enrolments',
  'conversionRules',
  'freshness',
] as const satisfies readonly (keyof ReadModelStore)[];

/**
 * Reads are retried a few times on a dropped connection: a query must not fail because the
 * database closed one pooled connection (the local FerretDB does so while a rebuild creates the new
 * generation's collections). Writes are retried by the consumer (transient errors replay the batch).
 */
function withReadRetries(store: ReadModelStore, attempts = 6): ReadModelStore {
  const wrapped: Record<string, unknown> = { ...store };
  for (const name of READS) {
    const fn = store[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      for (let i = 1; ; i++) {
        try {
          return await fn(...args);
        } catch (error) {
          if (i >= attempts || !isTransientDatabaseError(error)) throw error;
          await new Promise((r) => setTimeout(r, 100 * i));
        }
      }
    };
  }
  return wrapped as unknown as ReadModelStore;
}

/** Regional indicators live outside the generations: they are uploaded, not replayed. */
export const INDICATORS_COLLECTION = 'regional_indicators';

export function createIndicatorRepository(db: () => Db): import('../use-cases/ports').IndicatorStore {
  let indexed: Promise<unknown> | null = null;
  const c = () => {
    const coll = db().collection<Doc>(INDICATORS_COLLECTION);
    indexed ??= coll.createIndex({ province: 1, indicator: 1, year: 1 }).catch(() => (indexed = null));
    return coll;
  };
  return {
    async upsert(list) {
      const coll = c();
      if (list.length === 0) return 0;
      await coll.bulkWrite(
        list.map((i) => ({
          updateOne: {
            filter: { _id: `${i.division}|${i.year}|${i.indicator}` },
            update: { $set: { ...i, updatedAt: new Date().toISOString() } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
      return list.length;
    },
    async find(scope, indicator, year) {
      const docs = await c()
        .find({ ...tenantFilter(scope), indicator, year } as Filter<Doc>)
        .toArray();
      return docs.map((d) => ({
        province: d['province'],
        division: d['division'],
        year: d['year'],
        indicator: d['indicator'],
        value: d['value'],
      }));
    },
  };
}
