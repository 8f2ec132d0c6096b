import { Schema, isDuplicateKeyError, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { Application, CreditAccount } from '../domain/credit-account';
import { emptyAccount } from '../domain/credit-account';
import { ledgerEntryId, type LedgerEntry } from '../domain/ledger';
import type { CreditAccountStore, FollowUps, LedgerStore, WebhookNotice } from '../use-cases/ports';

export const CREDIT_ACCOUNTS_COLLECTION = 'credit_accounts';
export const LEDGER_COLLECTION = 'ledger_entries';

/**
 * One document per learner (`_id: accountNo`): the whole credit account, written with a version check
 * so that every invariant (reservations, balances, exactly-once consumption) is kept by one atomic
 * single-document update. The same write carries the change's events (outbox), its ledger entries
 * (`_pendingEntries`, appended to `ledger_entries` right after), the applications whose read model
 * must be refreshed and webhook notices; `_settle` marks a document with such follow-ups left, so a
 * sweep finishes them after a crash.
 */
type AccountDoc = Omit<CreditAccount, 'accountNo'> & {
  _id: string;
  _pendingEntries: Record<string, LedgerEntry>;
  _pendingApps: Record<string, number>;
  _pendingHooks: Record<string, WebhookNotice>;
  _settle: boolean;
};

const accountSchema = new Schema<AccountDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    status: { type: String, default: null },
    statusAt: { type: String, default: null },
    balances: { type: Schema.Types.Mixed, required: true },
    seq: { type: Number, required: true },
    version: { type: Number, required: true },
    outcomes: { type: Schema.Types.Mixed, default: {} },
    applications: { type: Schema.Types.Mixed, default: {} },
    redemptions: { type: Schema.Types.Mixed, default: {} },
    _pendingEntries: { type: Schema.Types.Mixed, default: {} },
    _pendingApps: { type: Schema.Types.Mixed, default: {} },
    _pendingHooks: { type: Schema.Types.Mixed, default: {} },
    _settle: { type: Boolean, default: false },
    ...outboxSchemaFields,
  },
  { collection: CREDIT_ACCOUNTS_COLLECTION, versionKey: false, minimize: false },
);
accountSchema.index({ _settle: 1 });
accountSchema.index({ province: 1, _id: 1 });

const READ = { ...OUTBOX_HIDDEN, _pendingEntries: 0, _pendingApps: 0, _pendingHooks: 0, _settle: 0 } as const;

const toAccount = (d: AccountDoc): CreditAccount => ({
  accountNo: d._id,
  province: d.province,
  status: d.status ?? null,
  statusAt: d.statusAt ?? null,
  balances: d.balances,
  seq: d.seq,
  version: d.version,
  outcomes: d.outcomes ?? {},
  applications: d.applications ?? {},
  redemptions: d.redemptions ?? {},
});

type EntryDoc = Omit<LedgerEntry, 'id'> & { _id: string };
const entrySchema = new Schema<EntryDoc>(
  {
    _id: { type: String, required: true },
    accountNo: { type: String, required: true },
    province: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, required: true },
    delta: { type: Schema.Types.Mixed, required: true },
    ref: { type: Schema.Types.Mixed, required: true },
    note: { type: String, default: null },
    at: { type: String, required: true },
  },
  { collection: LEDGER_COLLECTION, versionKey: false, minimize: false },
);
// Reads go by _id (accountNo:seq); the index serves analytics-style scans in production.
entrySchema.index({ accountNo: 1, seq: -1 });

const toEntry = ({ _id, ...rest }: EntryDoc): LedgerEntry => ({ id: _id, ...rest });

export function createCreditAccountRepository(
  connection: Connection,
  signal: OutboxSignal,
): { accounts: CreditAccountStore; ledger: LedgerStore } {
  const accounts = connection.model<AccountDoc>('CreditAccount', accountSchema);
  const entries = connection.model<EntryDoc>('LedgerEntry', entrySchema);

  const accountStore: CreditAccountStore = {
    async get(accountNo) {
      const d = await accounts.findById(accountNo, READ).lean<AccountDoc>();
      return d ? toAccount(d) : null;
    },
    async getMany(accountNos) {
      if (accountNos.length === 0) return [];
      return (await accounts.find({ _id: { $in: [...new Set(accountNos)] } }, READ).lean<AccountDoc[]>()).map(toAccount);
    },
    async ensure(accountNo, province) {
      const existing = await accountStore.get(accountNo);
      if (existing) return existing;
      const empty = emptyAccount(accountNo, province);
      try {
        const { accountNo: _id, ...rest } = empty;
        await accounts.collection.insertOne({
          _id,
          ...rest,
          _pendingEntries: {},
          _pendingApps: {},
          _pendingHooks: {},
          _settle: false,
          _outbox: {},
          _outboxCount: 0,
          _outboxWrite: null,
        } as never);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      return (await accountStore.get(accountNo))!;
    },
    async commit(before, change, events, webhooks) {
      const a = change.account;
      const $set: Record<string, unknown> = {
        status: a.status,
        statusAt: a.statusAt,
        balances: a.balances,
        seq: a.seq,
        version: a.version,
        outcomes: a.outcomes,
        applications: a.applications,
        redemptions: a.redemptions,
      };
      for (const e of change.entries)
        $set[`_pendingEntries.e${e.seq}`] = { ...e, id: ledgerEntryId(a.accountNo, e.seq), accountNo: a.accountNo, province: a.province };
      for (const id of change.apps) $set[`_pendingApps.${id}`] = a.applications[id]!.rev;
      for (const w of webhooks) $set[`_pendingHooks.${w.eventId}`] = w;
      if (change.entries.length || change.apps.length || webhooks.length) $set['_settle'] = true;
      const result = await accounts.updateOne({ _id: a.accountNo, version: before.version }, withOutbox({ $set }, events));
      if (result.modifiedCount !== 1) return false;
      if (events.length) signal.notify({ collection: CREDIT_ACCOUNTS_COLLECTION, ids: [a.accountNo] });
      return true;
    },
    async followUps(accountNo) {
      const d = await accounts
        .findById(accountNo, { version: 1, applications: 1, _pendingEntries: 1, _pendingApps: 1, _pendingHooks: 1, _settle: 1 })
        .lean<Pick<AccountDoc, '_id' | 'version' | 'applications' | '_pendingEntries' | '_pendingApps' | '_pendingHooks' | '_settle'>>();
      if (!d) return null;
      const apps: Application[] = Object.keys(d._pendingApps ?? {}).flatMap((id) => (d.applications?.[id] ? [d.applications[id]!] : []));
      return {
        version: d.version,
        entries: Object.values(d._pendingEntries ?? {}).sort((x, y) => x.seq - y.seq),
        apps,
        webhooks: Object.values(d._pendingHooks ?? {}),
      };
    },
    async clearFollowUps(accountNo, done: FollowUps) {
      const $unset: Record<string, ''> = {};
      for (const e of done.entries) $unset[`_pendingEntries.e${e.seq}`] = '';
      for (const w of done.webhooks) $unset[`_pendingHooks.${w.eventId}`] = '';
      if (Object.keys($unset).length) await accounts.updateOne({ _id: accountNo }, { $unset });
      // An application's marker goes only if no newer revision was written meanwhile.
      for (const app of done.apps)
        await accounts.updateOne({ _id: accountNo, [`_pendingApps.${app.id}`]: app.rev }, { $unset: { [`_pendingApps.${app.id}`]: '' } });
      await accounts.updateOne({ _id: accountNo, version: done.version }, { $set: { _settle: false } });
    },
    async unsettled(limit) {
      return (await accounts.find({ _settle: true }, { _id: 1 }).limit(limit).lean<Array<{ _id: string }>>()).map((d) => d._id);
    },
  };

  const ledgerStore: LedgerStore = {
    async append(list) {
      if (list.length === 0) return;
      try {
        await entries.collection.insertMany(list.map(({ id, ...rest }) => ({ _id: id, ...rest })) as never[], { ordered: false });
      } catch (error) {
        const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
        if (!writeErrors || !writeErrors.every((e) => e.code === 11000)) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
    },
    async bySeq(accountNo, seqs) {
      if (seqs.length === 0) return [];
      const docs = await entries.find({ _id: { $in: seqs.map((s) => ledgerEntryId(accountNo, s)) } }).lean<EntryDoc[]>();
      return docs.map(toEntry).sort((a, b) => a.seq - b.seq);
    },
  };

  return { accounts: accountStore, ledger: ledgerStore };
}
