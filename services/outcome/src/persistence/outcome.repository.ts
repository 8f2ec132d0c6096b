import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxSchemaFields, withOutbox, type BulkOutbox, type OutboxSignal } from '@creditbank/events';
import { importedOutcomeId, type LearningOutcome, type Recognition } from '../domain/outcome';
import type { CreditHistoryRow, CreditTallies, NewOutcome, OutcomeAccess, OutcomeStore } from '../use-cases/ports';

export const OUTCOMES_COLLECTION = 'outcomes';
export const CREDIT_TALLIES_COLLECTION = 'credit_tallies';

type OutcomeDoc = Omit<NewOutcome, 'id'> & { _id: string };

const recognitionSchema = new Schema<Recognition>(
  {
    credits: Number,
    points: Number,
    creditStandardVersion: Number,
    catalogItemVersion: Number,
    rule: { type: String, default: null },
    explanation: String,
    capKeys: [String],
    year: Number,
    by: String,
    at: Date,
  },
  { _id: false },
);

const outcomeSchema = new Schema<OutcomeDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    accountNo: { type: String, default: null },
    idHash: { type: String, required: true },
    learnerNameMasked: { type: String, default: null },
    institutionCode: { type: String, default: null },
    source: { type: String, required: true },
    type: { type: String, required: true },
    catalogItemCode: { type: String, required: true },
    catalogItemVersion: { type: Number, default: null },
    title: { type: String, required: true },
    hours: { type: Number, default: null },
    credits: { type: Number, default: null },
    score: { type: Number, default: null },
    achievedAt: { type: String, required: true },
    year: { type: Number, required: true },
    certificateNo: { type: String, default: null },
    evidence: { type: [String], default: [] },
    externalRef: { type: String, default: null },
    batchId: { type: String, default: null },
    status: { type: String, required: true },
    statusReason: { type: String, default: null },
    awaiting: { type: String, default: null },
    recognition: { type: recognitionSchema, default: null },
    depositedAt: { type: Date, required: true },
    depositedBy: { type: String, required: true },
    nodeId: { type: String, default: null },
    version: { type: Number, required: true },
    importKey: { type: String, required: true },
    contentHash: { type: String, default: null },
    ...outboxSchemaFields,
  },
  { collection: OUTCOMES_COLLECTION, versionKey: false, minimize: false },
);
// One deposit per (institution, externalRef); other deposits use their own id as the key.
outcomeSchema.index({ importKey: 1 }, { unique: true });
outcomeSchema.index({ accountNo: 1, _id: 1 });
outcomeSchema.index({ accountNo: 1, year: 1, status: 1 });
outcomeSchema.index({ idHash: 1, status: 1 });
outcomeSchema.index({ province: 1, status: 1, _id: 1 });
outcomeSchema.index({ institutionCode: 1, _id: 1 });

const READ = { ...OUTBOX_HIDDEN, importKey: 0, contentHash: 0 } as const;

/**
 * Credit tallies: per learner, the recognised outcomes as the annual and per-item caps see them
 * (`entries.<outcomeId>`), read by `_id` when a batch is decided instead of aggregating the outcomes.
 * Kept in the conservative direction without transactions: an entry is written before the outcome
 * is stored as recognised and removed after it stops being recognised, so a crash in between can only
 * over-count a cap (never grant credits beyond it). Entries are keyed by outcome id: writing one twice
 * changes nothing.
 *
 * An entry is stored packed, as the JSON string `[year, credits, catalogItemCode, capKeys]`: one
 * value instead of a sub-document of four fields and an array. The database decodes and re-encodes
 * a learner's whole tally on every read and upsert; packed, a 5,000-learner batch reads its tallies
 * in 0.5 s instead of 1.4 s and upserts them in 1.1 s instead of 2.1 s (local FerretDB, five entries
 * a learner). Entries written as sub-documents before are still read.
 *
 * Every write increments the tally's version `v`. Writers that recognise count their recognitions
 * only into tallies still at the version they decided on (reserveCredits, used through
 * `use-cases/reserve-credits.ts`), so two writers for the same learner at once cannot both grant the
 * last credits under a cap: the one that comes second decides again.
 */
interface TallyEntry {
  y: number;
  k: string[];
  c: string;
  n: number;
}
type StoredTallyEntry = string | TallyEntry;
type TallyDoc = { _id: string; entries: Record<string, StoredTallyEntry>; v?: number };

const packTally = (e: TallyEntry): string => JSON.stringify([e.y, e.n, e.c, e.k]);
function unpackTally(stored: StoredTallyEntry): TallyEntry {
  if (typeof stored !== 'string') return stored;
  const [y, n, c, k] = JSON.parse(stored) as [number, number, string, string[]];
  return { y, n, c, k };
}
const tallySchema = new Schema<TallyDoc>(
  { _id: { type: String, required: true }, entries: { type: Schema.Types.Mixed, default: {} }, v: { type: Number } },
  { collection: CREDIT_TALLIES_COLLECTION, versionKey: false, minimize: false },
);

function tallyOf(o: {
  accountNo: string | null;
  catalogItemCode: string;
  status: string;
  recognition: Recognition | null;
}): TallyEntry | null {
  if (o.status !== 'RECOGNIZED' || !o.recognition || !o.accountNo) return null;
  return { y: o.recognition.year, k: [...(o.recognition.capKeys ?? [])], c: o.catalogItemCode, n: o.recognition.credits };
}

const toOutcome = (d: OutcomeDoc): LearningOutcome => ({
  id: d._id,
  province: d.province,
  accountNo: d.accountNo ?? null,
  idHash: d.idHash,
  learnerNameMasked: d.learnerNameMasked ?? null,
  institutionCode: d.institutionCode ?? null,
  source: d.source,
  type: d.type,
  catalogItemCode: d.catalogItemCode,
  catalogItemVersion: d.catalogItemVersion ?? null,
  title: d.title,
  hours: d.hours ?? null,
  credits: d.credits ?? null,
  score: d.score ?? null,
  achievedAt: d.achievedAt,
  year: d.year,
  certificateNo: d.certificateNo ?? null,
  evidence: d.evidence ?? [],
  externalRef: d.externalRef ?? null,
  batchId: d.batchId ?? null,
  status: d.status,
  statusReason: d.statusReason ?? null,
  awaiting: d.awaiting ?? null,
  recognition: d.recognition ?? null,
  depositedAt: d.depositedAt,
  depositedBy: d.depositedBy,
  nodeId: d.nodeId ?? null,
  version: d.version,
});

function accessFilter(access: OutcomeAccess): Record<string, unknown> {
  switch (access.kind) {
    case 'all':
      return {};
    case 'province':
      return { province: access.province };
    case 'learner':
      return { accountNo: access.accountNo };
    case 'institution':
      return { institutionCode: access.institutionCode };
  }
}

export function createOutcomeRepository(connection: Connection, signal: OutboxSignal, bulk: BulkOutbox): OutcomeStore {
  const outcomes = connection.model<OutcomeDoc>('Outcome', outcomeSchema);
  const tallies = connection.model<TallyDoc>('CreditTally', tallySchema);
  const raw = () => outcomes.collection;
  const hint = (ids: readonly string[]) => signal.notify({ collection: OUTCOMES_COLLECTION, ids });

  type TallyWrite = { accountNo: string; update: Record<string, unknown>; version?: number };
  /**
   * Upserts of tallies, each a version bump. With `version`, only a tally still at that version is
   * written (0: none yet, or one from before versions): another one makes the upsert insert a
   * duplicate `_id`, which comes back as the index of the write. Without, a duplicate is a writer
   * that created the same tally at the same moment, and the write is an update the second time.
   */
  async function upsertTallies(ops: readonly TallyWrite[]): Promise<number[]> {
    if (ops.length === 0) return [];
    try {
      await tallies.collection.bulkWrite(
        // The driver's types assume ObjectId keys; tallies are keyed by accountNo.
        ops.map(({ accountNo, update, version }) => ({
          updateOne: {
            filter: version === undefined ? { _id: accountNo } : { _id: accountNo, v: version === 0 ? { $exists: false } : version },
            update: { ...update, $inc: { v: 1 } },
            upsert: true,
          },
        })) as never,
        { ordered: false },
      );
      return [];
    } catch (error) {
      const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number; errmsg?: string }> }).writeErrors;
      if (
        !writeErrors ||
        writeErrors.length === 0 ||
        !writeErrors.every((e) => isDuplicateKeyError({ code: e.code, message: e.errmsg ?? '' }))
      ) {
        throw error;
      }
      return writeErrors.map((e) => e.index);
    }
  }
  async function writeTallies(ops: readonly TallyWrite[]): Promise<void> {
    const lost = await upsertTallies(ops);
    if (lost.length) await upsertTallies(lost.map((i) => ops[i]!));
  }
  type Tallied = { id: string; accountNo: string | null; catalogItemCode: string; status: string; recognition: Recognition | null };
  function tallySets(list: ReadonlyArray<Tallied>): Map<string, Record<string, string>> {
    const byAccount = new Map<string, Record<string, string>>();
    for (const o of list) {
      const entry = tallyOf(o);
      if (!entry) continue;
      const set = byAccount.get(o.accountNo!) ?? {};
      set[`entries.${o.id}`] = packTally(entry);
      byAccount.set(o.accountNo!, set);
    }
    return byAccount;
  }
  const removeTally = (accountNo: string, id: string) => writeTallies([{ accountNo, update: { $unset: { [`entries.${id}`]: '' } } }]);

  /** Take these outcomes' entries out of their tallies, but those of outcomes stored as recognised now. */
  async function releaseUnlessCounted(list: ReadonlyArray<Tallied>): Promise<void> {
    const sets = tallySets(list);
    if (sets.size === 0) return;
    const stored = await outcomes
      .find({ _id: { $in: list.map((o) => o.id) } }, { accountNo: 1, catalogItemCode: 1, status: 1, recognition: 1 })
      .lean<Array<Pick<OutcomeDoc, '_id' | 'accountNo' | 'catalogItemCode' | 'status' | 'recognition'>>>();
    const counted = new Set(
      stored
        .filter((d) => tallyOf({ ...d, accountNo: d.accountNo ?? null, recognition: d.recognition ?? null }))
        .map((d) => `${d.accountNo}|${d._id}`),
    );
    const writes: TallyWrite[] = [];
    for (const [accountNo, set] of sets) {
      const fields = Object.keys(set).filter((k) => !counted.has(`${accountNo}|${k.slice('entries.'.length)}`));
      if (fields.length) writes.push({ accountNo, update: { $unset: Object.fromEntries(fields.map((k) => [k, ''] as const)) } });
    }
    await writeTallies(writes);
  }

  async function creditTallies(accountNos: readonly string[], years: readonly number[], codes: readonly string[]): Promise<CreditTallies> {
    if (accountNos.length === 0) return { rows: [], versions: new Map() };
    const wantYears = new Set(years);
    const wantCodes = new Set(codes);
    const docs = await tallies.find({ _id: { $in: [...new Set(accountNos)] } }).lean<TallyDoc[]>();
    return {
      versions: new Map(docs.map((d) => [d._id, d.v ?? 0])),
      rows: docs.flatMap((d) =>
        Object.entries(d.entries ?? {})
          .map(([outcomeId, stored]) => ({ outcomeId, ...unpackTally(stored) }))
          .filter((e) => wantYears.has(e.y) || wantCodes.has(e.c))
          .map((e): CreditHistoryRow => ({
            accountNo: d._id,
            outcomeId: e.outcomeId,
            year: e.y,
            capKeys: e.k,
            catalogItemCode: e.c,
            credits: e.n,
          })),
      ),
    };
  }

  return {
    async insertMany(list, eventsOf) {
      // An import's events go through the bulk outbox: written once beside the outcomes and deleted
      // after publishing, not into every outcome and out again (a few rows: into the outcomes).
      const docs = list.map(({ id, ...rest }) => ({ _id: id, ...rest }));
      const byId = new Map(list.map((o) => [o.id, o]));
      const { duplicates } = await bulk.insertMany(raw() as never, docs, (d) => eventsOf(byId.get(d._id)!));
      return { duplicateKeys: new Set(duplicates.map((d) => d.importKey)) };
    },

    async findByIds(access, ids) {
      return (await outcomes.find({ ...accessFilter(access), _id: { $in: [...ids] } }, READ).lean<OutcomeDoc[]>()).map(toOutcome);
    },

    async findImported(institutionCode, externalRefs) {
      if (externalRefs.length === 0) return [];
      const docs = await outcomes
        .find(
          { _id: { $in: externalRefs.map((r) => importedOutcomeId(institutionCode, r)) } },
          { externalRef: 1, contentHash: 1, institutionCode: 1 },
        )
        .lean<Array<{ _id: string; externalRef: string; contentHash: string | null; institutionCode: string | null }>>();
      return docs.map((d) => ({ externalRef: d.externalRef, contentHash: d.contentHash ?? null, id: d._id }));
    },

    async list(access, f, page) {
      const filter: Record<string, unknown> = { ...accessFilter(access) };
      if (f.accountNo) filter['accountNo'] = f.accountNo;
      if (f.institutionCode) filter['institutionCode'] = f.institutionCode;
      if (f.type) filter['type'] = f.type;
      if (f.status) filter['status'] = f.status;
      if (f.year) filter['year'] = f.year;
      const [rows, total] = await Promise.all([
        outcomes
          .find(page.after ? { ...filter, _id: { $gt: page.after } } : filter, READ)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<OutcomeDoc[]>(),
        outcomes.countDocuments(filter),
      ]);
      return { rows: rows.map(toOutcome), total };
    },

    async ofLearner(accountNo) {
      return (await outcomes.find({ accountNo }, READ).sort({ achievedAt: -1, _id: 1 }).limit(5000).lean<OutcomeDoc[]>()).map(toOutcome);
    },

    async update(id, version, from, change, options) {
      const reserved = options?.reserved;
      const before = await outcomes.findOne({ _id: id, version, status: { $in: [...from] } }, READ).lean<OutcomeDoc>();
      if (!before) {
        if (reserved) await releaseUnlessCounted([reserved]);
        return null;
      }
      const after = { ...toOutcome(before), ...change.set };
      const counted = tallyOf(after);
      // Credits are counted before the change, against the tally the decision read (reserveCredits).
      if (counted && !reserved) throw new Error(`outcome ${id}: a change that recognises it must name its reserved credits`);
      const update = withOutbox({ $set: { ...change.set }, $inc: { version: 1 } }, change.events);
      const result = await outcomes.updateOne({ _id: id, version, status: { $in: [...from] } }, update);
      if (result.modifiedCount !== 1) {
        // Lost a race: the entry written for this change comes out, unless the outcome is counted
        // now (the entry is keyed by outcome: the winner's is the same one).
        if (reserved) await releaseUnlessCounted([reserved]);
        return null;
      }
      if (!counted && tallyOf(toOutcome(before))) await removeTally(before.accountNo!, id);
      if (change.events.length) hint([id]);
      const doc = await outcomes.findById(id, READ).lean<OutcomeDoc>();
      return doc ? toOutcome(doc) : null;
    },

    async awaiting(province, what, afterId, limit) {
      // The (province, status, _id) index narrows to the province's pending outcomes in id order;
      // `awaiting` is checked on those (no index of its own: every import would pay for it).
      const filter: Record<string, unknown> = { province, status: 'PENDING_REVIEW', awaiting: what };
      if (afterId) filter['_id'] = { $gt: afterId };
      return (await outcomes.find(filter, READ).sort({ _id: 1 }).limit(limit).lean<OutcomeDoc[]>()).map(toOutcome);
    },

    async unclaimedOf(idHash) {
      return (await outcomes.find({ idHash, status: 'UNCLAIMED' }, READ).lean<OutcomeDoc[]>()).map(toOutcome);
    },

    creditTallies,

    async reserveCredits(list, versions) {
      const writes = [...tallySets(list)].map(([accountNo, set]) => ({
        accountNo,
        update: { $set: set },
        version: versions.get(accountNo) ?? 0,
      }));
      const moved = await upsertTallies(writes);
      return { moved: new Set(moved.map((i) => writes[i]!.accountNo)) };
    },

    releaseCredits: releaseUnlessCounted,
  };
}
