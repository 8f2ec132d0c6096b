import type { OutgoingEvent } from '@creditbank/contracts';
import type { TenantScope } from '@creditbank/kernel';
import type { AccountChange, Application, ApplicationStatus, CreditAccount } from '../domain/credit-account';
import type { LedgerEntry } from '../domain/ledger';
import type { ConversionRule, RuleStatus, RuleTargetKind } from '../domain/rule';
import type { WebhookEventType } from '../domain/webhook';

/** Something for a partner university, recorded with the change that caused it (delivered after). */
export interface WebhookNotice {
  eventId: string;
  type: WebhookEventType;
  institutionCode: string;
  province: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What a change leaves to do after its write: ledger entries to append, read models, webhooks. */
export interface FollowUps {
  version: number;
  entries: LedgerEntry[];
  apps: Application[];
  webhooks: WebhookNotice[];
}

export interface CreditAccountStore {
  get(accountNo: string): Promise<CreditAccount | null>;
  getMany(accountNos: readonly string[]): Promise<CreditAccount[]>;
  /** The account, created empty if it does not exist yet. */
  ensure(accountNo: string, province: string): Promise<CreditAccount>;
  /**
   * Write a change if the account is still at `before.version` — balances, outcomes, applications,
   * the new ledger entries (pending until appended), its events (outbox) and webhook notices, in one
   * single-document write. false: someone else changed the account first.
   */
  commit(
    before: CreditAccount,
    change: AccountChange,
    events: readonly OutgoingEvent[],
    webhooks: readonly WebhookNotice[],
  ): Promise<boolean>;
  followUps(accountNo: string): Promise<FollowUps | null>;
  /** Forget follow-ups that were done; clears the "to settle" flag if nothing changed meanwhile. */
  clearFollowUps(accountNo: string, done: FollowUps): Promise<void>;
  /** Accounts with follow-ups left (after a crash). */
  unsettled(limit: number): Promise<string[]>;
}

export interface LedgerStore {
  /** Append entries (idempotent: ids are deterministic). */
  append(entries: readonly LedgerEntry[]): Promise<void>;
  /** Entries of an account by sequence number (the ids are computed, so this is an _id lookup). */
  bySeq(accountNo: string, seqs: readonly number[]): Promise<LedgerEntry[]>;
}

export interface ApplicationFilter {
  status?: ApplicationStatus;
  ruleId?: string;
  accountNo?: string;
  targetInstitutionCode?: string;
}

/** Who may list which applications. */
export type ApplicationAccess = { province: string | null; institutionCode: string | null };

export interface ApplicationStore {
  /** Keep the newest revision of each application (read model of the accounts). */
  project(apps: readonly Application[]): Promise<void>;
  findByIds(ids: readonly string[]): Promise<Application[]>;
  list(
    access: ApplicationAccess,
    filter: ApplicationFilter,
    page: { after: [string, string] | null; limit: number },
  ): Promise<{ rows: Application[]; total: number }>;
}

export interface RuleFilter {
  province?: string;
  status?: RuleStatus;
  targetInstitutionCode?: string;
  catalogItemCode?: string;
  targetKind?: RuleTargetKind;
  outcomeType?: string;
  draftedBy?: string;
}

export interface RuleStore {
  insert(rule: ConversionRule): Promise<void>;
  findByIds(ids: readonly string[]): Promise<ConversionRule[]>;
  list(filter: RuleFilter, page: { after: string | null; limit: number }): Promise<{ rows: ConversionRule[]; total: number }>;
  /** Change a rule if it is still in status `from`; with its events. */
  transition(id: string, from: RuleStatus, set: Partial<ConversionRule>, events: readonly OutgoingEvent[]): Promise<ConversionRule | null>;
}

export interface RewardItem {
  province: string;
  code: string;
  name: string;
  kind: string;
  pointsCost: number;
  stock: number;
  active: boolean;
  updatedAt: Date;
  updatedBy: string;
}

export type HoldResult = 'HELD' | 'ALREADY_HELD' | 'OUT_OF_STOCK' | 'MISSING';

/** Stock held for a redemption that has not been settled or released. */
export interface StaleHold {
  province: string;
  code: string;
  redemptionId: string;
  accountNo: string;
  quantity: number;
  heldAt: Date;
}

export interface RewardStore {
  get(province: string, code: string): Promise<RewardItem | null>;
  list(scope: TenantScope): Promise<RewardItem[]>;
  upsert(item: RewardItem): Promise<RewardItem>;
  /**
   * Take `quantity` from the stock for a redemption (never below zero; once per redemption),
   * remembering whose redemption it is and when, so a hold whose redemption never finishes can be found.
   */
  hold(
    province: string,
    code: string,
    redemptionId: string,
    quantity: number,
    holder: { accountNo: string; at: Date },
  ): Promise<HoldResult>;
  /** Holds taken before `olderThan` that are still there (at most `limit`, oldest first). */
  staleHolds(scope: TenantScope, olderThan: Date, limit: number): Promise<StaleHold[]>;
  /** Put a hold back (the redemption did not happen). */
  release(province: string, code: string, redemptionId: string): Promise<void>;
  /** The redemption happened: the hold is final. */
  settle(province: string, code: string, redemptionId: string): Promise<void>;
}

export interface IdempotencyRecord {
  accountNo: string;
  key: string;
  op: string;
  requestHash: string;
  resultId: string;
}

export interface IdempotencyStore {
  /** Claim a key for a request; an existing claim comes back instead. */
  claim(record: IdempotencyRecord): Promise<IdempotencyRecord | null>;
  /** Free a key whose request had no effect (it failed), so it may be retried. */
  release(accountNo: string, key: string, resultId: string): Promise<void>;
}

export interface WebhookSecret {
  /** Sealed at rest. */
  sealed: string;
  createdAt: Date;
  /** null: the current secret; else the old one, valid until then (rotation grace). */
  expiresAt: Date | null;
}

export interface WebhookSubscription {
  id: string;
  institutionCode: string;
  province: string;
  url: string;
  events: WebhookEventType[];
  status: 'ACTIVE' | 'DISABLED';
  disabledReason: string | null;
  secrets: WebhookSecret[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface DeliveryAttempt {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  institutionCode: string;
  province: string;
  eventId: string;
  eventType: WebhookEventType;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  leaseUntil: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: DeliveryAttempt[];
  createdAt: Date;
  deliveredAt: Date | null;
  replays: number;
}

export interface WebhookStore {
  insertSubscription(s: WebhookSubscription): Promise<void>;
  subscription(id: string): Promise<WebhookSubscription | null>;
  subscriptions(filter: { province?: string; institutionCode?: string }): Promise<WebhookSubscription[]>;
  activeFor(institutionCode: string, type: WebhookEventType): Promise<WebhookSubscription[]>;
  updateSubscription(id: string, set: Partial<WebhookSubscription>): Promise<WebhookSubscription | null>;
  /** Enqueue deliveries (idempotent by subscription and event). */
  enqueue(deliveries: readonly WebhookDelivery[]): Promise<void>;
  delivery(id: string): Promise<WebhookDelivery | null>;
  deliveries(
    subscriptionId: string,
    status: DeliveryStatus | null,
    page: { after: [string, string] | null; limit: number },
  ): Promise<{ rows: WebhookDelivery[]; total: number }>;
  /** Deliveries due now, leased to this worker for `leaseMs`. */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  /** Record the outcome of an attempt. */
  recordAttempt(id: string, set: Partial<WebhookDelivery>, attempt: DeliveryAttempt): Promise<WebhookDelivery | null>;
  /** Back to PENDING now (replay). */
  requeue(id: string, now: Date): Promise<WebhookDelivery | null>;
}
