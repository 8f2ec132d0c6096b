import type { CatalogItemVersion, CreditStandardVersion, InstitutionFacts, AccreditationFacts, LearnerLink } from '../domain/projections';
import type { ProjectionStore } from './ports';

/**
 * Keeping what the outcome service knows of other services, from their events. Every write is
 * idempotent (upserts keyed by entity; "newer facts win" by event time).
 */
export const recordLearner = (store: ProjectionStore, link: LearnerLink, at: Date) => store.upsertLink(link, at);
export const recordLearnerStatus = (store: ProjectionStore, accountNo: string, status: LearnerLink['status'], at: Date, release: boolean) =>
  store.setLinkStatus(accountNo, status, at, release);
export const recordInstitution = (store: ProjectionStore, i: InstitutionFacts, at: Date) => store.upsertInstitution(i, at);
export const recordAccreditation = (store: ProjectionStore, a: AccreditationFacts, at: Date) => store.upsertAccreditation(a, at);
export const recordCatalogItem = (store: ProjectionStore, item: CatalogItemVersion, supersedes: number | null) =>
  store.upsertItemVersion(item, supersedes);
export const recordCatalogItemRetired = (store: ProjectionStore, code: string, version: number) => store.retireItem(code, version);
export const recordCreditStandard = (store: ProjectionStore, s: CreditStandardVersion) => store.upsertStandard(s);
