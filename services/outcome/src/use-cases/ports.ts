import type { OutgoingEvent } from '@creditbank/contracts';
import type { TenantScope } from '@creditbank/kernel';
import type { OutcomeType } from '@creditbank/credit-rules';
import type { Awaiting, LearningOutcome, OutcomeStatus, Recognition } from '../domain/outcome';
import type { AccreditationFacts, CatalogItemVersion, CreditStandardVersion, InstitutionFacts, LearnerLink } from '../domain/projections';
import type { Certificate } from '../domain/certificate';

/** A new outcome with the hash of the import row it came from (duplicate vs conflict). */
export interface NewOutcome extends LearningOutcome {
  /** `<institution>|<externalRef>` for imports, else the outcome id: one deposit per key. */
  importKey: string;
  contentHash: string | null;
}

/** Who may read which outcomes (derived from the caller by the use-case). */
export type OutcomeAccess =
  | { kind: 'all' }
  | { kind: 'province'; province: string }
  | { kind: 'learner'; accountNo: string }
  | { kind: 'institution'; institutionCode: string };

export interface OutcomeFilter {
  type?: OutcomeType;
  status?: OutcomeStatus;
  year?: number;
  institutionCode?: string;
  accountNo?: string;
}

export interface OutcomeChange {
  set: Partial<
    Pick<
      LearningOutcome,
      'status' | 'statusReason' | 'awaiting' | 'recognition' | 'accountNo' | 'province' | 'catalogItemVersion' | 'learnerNameMasked'
    >
  >;
  events: readonly OutgoingEvent[];
}

/** One recognised outcome, as the annual and per-item caps see it. */
export interface CreditHistoryRow {
  accountNo: string;
  outcomeId: string;
  year: number;
  capKeys: readonly string[];
  catalogItemCode: string;
  credits: number;
}

export interface OutcomeStore {
  /**
   * Insert deposits (one write token for all); keys already present come back as duplicates. The
   * recognised ones must have been counted in their learners' tallies (reserveCredits).
   */
  insertMany(
    outcomes: readonly NewOutcome[],
    eventsOf: (o: NewOutcome) => readonly OutgoingEvent[],
  ): Promise<{ duplicateKeys: Set<string> }>;
  findByIds(access: OutcomeAccess, ids: readonly string[]): Promise<LearningOutcome[]>;
  /** Existing import rows of an institution by external reference: for duplicate/conflict checks. */
  findImported(
    institutionCode: string,
    externalRefs: readonly string[],
  ): Promise<Array<{ externalRef: string; contentHash: string | null; id: string }>>;
  list(
    access: OutcomeAccess,
    filter: OutcomeFilter,
    page: { after: string | null; limit: number },
  ): Promise<{ rows: LearningOutcome[]; total: number }>;
  /** Outcomes of a learner for the archive (newest first). */
  ofLearner(accountNo: string): Promise<LearningOutcome[]>;
  /**
   * Apply a change if the outcome is still at `version` and in one of `from`. A change that makes it
   * recognised names the outcome as reserveCredits counted it (`reserved`); if the change does not
   * apply, that entry is taken out again (unless the outcome is counted by whoever changed it).
   */
  update(
    id: string,
    version: number,
    from: readonly OutcomeStatus[],
    change: OutcomeChange,
    options?: { reserved?: TalliedOutcome },
  ): Promise<LearningOutcome | null>;
  unclaimedOf(idHash: string): Promise<LearningOutcome[]>;
  /** A province's pending outcomes waiting for `what`, in id order after `afterId`. */
  awaiting(province: string, what: Awaiting, afterId: string | null, limit: number): Promise<LearningOutcome[]>;
  /**
   * The recognised outcomes of these learners that count towards the caps of these years or items,
   * reduced to what the caps need, with the version of each learner's tally as read (0: none yet).
   * One query, whatever the number of learners.
   */
  creditTallies(accountNos: readonly string[], years: readonly number[], codes: readonly string[]): Promise<CreditTallies>;
  /**
   * Count recognised outcomes in their learners' credit tallies, each learner's only if the tally is
   * still at the version read (compare and set). Learners whose tally moved since come back in
   * `moved`, with nothing written for them: their outcomes are to be decided again.
   */
  reserveCredits(outcomes: readonly TalliedOutcome[], versions: ReadonlyMap<string, number>): Promise<{ moved: Set<string> }>;
  /** Take reserved entries out again (outcomes not stored, or not changed as decided), but of outcomes counted now. */
  releaseCredits(outcomes: readonly TalliedOutcome[]): Promise<void>;
}

/** What a credit tally entry is made of. */
export type TalliedOutcome = Pick<LearningOutcome, 'id' | 'accountNo' | 'catalogItemCode' | 'status' | 'recognition'>;

export interface CreditTallies {
  rows: CreditHistoryRow[];
  versions: ReadonlyMap<string, number>;
}

export interface ProjectionStore {
  linksByIdHash(idHashes: readonly string[]): Promise<LearnerLink[]>;
  linkByAccountNo(accountNo: string): Promise<LearnerLink | null>;
  /** Record an account (newer facts win by time). */
  upsertLink(link: LearnerLink, at: Date): Promise<void>;
  setLinkStatus(accountNo: string, status: LearnerLink['status'], at: Date, release: boolean): Promise<void>;
  institutions(codes: readonly string[]): Promise<InstitutionFacts[]>;
  upsertInstitution(i: InstitutionFacts, at: Date): Promise<void>;
  accreditation(code: string): Promise<AccreditationFacts | null>;
  upsertAccreditation(a: AccreditationFacts, at: Date): Promise<void>;
  /** Current published versions of these codes. */
  currentItems(codes: readonly string[]): Promise<CatalogItemVersion[]>;
  itemVersions(keys: ReadonlyArray<{ code: string; version: number }>): Promise<CatalogItemVersion[]>;
  upsertItemVersion(item: CatalogItemVersion, supersedes: number | null): Promise<void>;
  retireItem(code: string, version: number): Promise<void>;
  standardInForce(province: string, at: Date): Promise<CreditStandardVersion | null>;
  /** Provinces that have published a credit standard. */
  standardProvinces(): Promise<string[]>;
  upsertStandard(s: CreditStandardVersion): Promise<void>;
}

export interface ImportBatch {
  id: string;
  batchRef: string;
  institutionCode: string;
  province: string;
  status: 'COMPLETED';
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ row: number; field: string | null; code: string; message: string }>;
  createdBy: string;
  createdAt: Date;
  completedAt: Date;
}

export interface ImportBatchStore {
  insert(batch: ImportBatch, events: readonly OutgoingEvent[]): Promise<void>;
  findById(scope: TenantScope, id: string): Promise<ImportBatch | null>;
}

export interface CertificateStore {
  insert(cert: Certificate, events: readonly OutgoingEvent[]): Promise<void>;
  findById(id: string): Promise<Certificate | null>;
  findByCode(code: string): Promise<Certificate | null>;
  ofLearner(accountNo: string): Promise<Certificate[]>;
  revoke(id: string, revoked: NonNullable<Certificate['revoked']>, events: readonly OutgoingEvent[]): Promise<Certificate | null>;
}

export type { Recognition };
