import type { OutgoingEvent } from '@creditbank/contracts';
import type { OutcomeType } from '@creditbank/credit-rules';
import type { TenantScope } from '@creditbank/kernel';
import type { CatalogEntry, CatalogScope } from '../domain/catalog-item';
import type { CreditStandard } from '../domain/credit-standard';
import type { Accreditation, AccreditationStatus } from '../domain/accreditation';
import type { CertificationStatus, CourseCertification } from '../domain/course-certification';
import type { InstitutionFacts } from '../domain/institution';
import type { QualificationLevel } from '../domain/qualification-level';

/**
 * The catalogue is public: published and retired versions are visible to everyone. What needs a scope
 * is drafts: `drafts` says whose drafts a read may return (all, one province's provincial items, or
 * none); other drafts are left out, and an item with nothing left is missing.
 */
export type DraftScope = TenantScope | null;

export interface CatalogListFilter {
  /** Which versions are listed: the public head (PUBLISHED or RETIRED) or the pending drafts. */
  status: 'PUBLISHED' | 'RETIRED' | 'DRAFT';
  type?: OutcomeType;
  subtype?: string;
  level?: number;
  track?: string;
  field?: string;
  scope?: CatalogScope;
  /** Items usable in a province: the national ones and that province's own. */
  usableIn?: string;
  /** Lower-case text contained in code, name, track or field. */
  search?: string;
}

export interface CatalogStore {
  findByCodes(drafts: DraftScope, codes: readonly string[]): Promise<CatalogEntry[]>;
  list(
    drafts: DraftScope,
    filter: CatalogListFilter,
    page: { after: string | null; limit: number },
  ): Promise<{ rows: CatalogEntry[]; total: number }>;
  /** Store a new item with its events; false when the code exists. */
  insert(entry: CatalogEntry, events: readonly OutgoingEvent[]): Promise<boolean>;
  /** Replace the item if it is still at `entry.rev`; returns it at its new rev, or null on a concurrent change. */
  update(entry: CatalogEntry, events: readonly OutgoingEvent[]): Promise<CatalogEntry | null>;
}

/** Credit standards are published documents: reads name the province, and any caller may read them. */
export interface CreditStandardStore {
  /** Store a new version; false when that version of the province exists (concurrent publication). */
  insert(standard: CreditStandard, events: readonly OutgoingEvent[]): Promise<boolean>;
  latest(province: string): Promise<CreditStandard | null>;
  inForce(province: string, at: Date): Promise<CreditStandard | null>;
  version(province: string, version: number): Promise<CreditStandard | null>;
  /** Newest first; `after` is a version number. */
  history(province: string, page: { after: number | null; limit: number }): Promise<{ rows: CreditStandard[]; total: number }>;
}

export interface InstitutionStore {
  /** Record the facts unless newer ones are stored. Idempotent. */
  upsertIfNewer(facts: InstitutionFacts): Promise<boolean>;
  findByCodes(scope: TenantScope, codes: readonly string[]): Promise<InstitutionFacts[]>;
}

export interface AccreditationFilter {
  status?: AccreditationStatus;
  outcomeType?: OutcomeType;
  expiringBefore?: Date;
  now: Date;
}

export interface AccreditationStore {
  findByCodes(scope: TenantScope, codes: readonly string[]): Promise<Accreditation[]>;
  list(
    scope: TenantScope,
    filter: AccreditationFilter,
    page: { after: string | null; limit: number },
  ): Promise<{ rows: Accreditation[]; total: number }>;
  /** Insert (rev 0) or replace if still at `rev`; null on a concurrent change. */
  save(accreditation: Accreditation, events: readonly OutgoingEvent[]): Promise<Accreditation | null>;
}

export interface CertificationFilter {
  institutionCode?: string;
  statuses?: CertificationStatus[];
  catalogItemCode?: string;
  /** Only those this expert has not reviewed yet. */
  notReviewedBy?: string;
}

export interface CertificationStore {
  insert(certification: CourseCertification, events: readonly OutgoingEvent[]): Promise<void>;
  findByIds(scope: TenantScope, ids: readonly string[]): Promise<CourseCertification[]>;
  list(
    scope: TenantScope,
    filter: CertificationFilter,
    page: { after: string | null; limit: number },
  ): Promise<{ rows: CourseCertification[]; total: number }>;
  /** Replace if still at `rev`; null on a concurrent change. */
  update(certification: CourseCertification, events: readonly OutgoingEvent[]): Promise<CourseCertification | null>;
}

/** The national qualification framework's stored levels (overlaying the default). */
export interface QualificationLevelStore {
  list(): Promise<QualificationLevel[]>;
  upsert(level: QualificationLevel, at: Date, by: string): Promise<void>;
}
