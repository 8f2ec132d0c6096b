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
  RegionalIndicator,
} from '../domain/facts';

/**
 * The projection side of the read models. Every write is keyed by the source entity's id and is
 * idempotent: facts are set (never incremented), and where an entity changes over time the newer
 * change wins by its own time or version, so redelivered and reordered events change nothing.
 */
export interface FactWriter {
  learnerOpened(f: Omit<LearnerFact, 'status'> & { status: string }): Promise<void>;
  learnerProfileUpdated(f: {
    accountNo: string;
    province: string;
    adminDivision: string;
    householdId: string | null;
    at: string;
  }): Promise<void>;
  learnerStatusChanged(f: { accountNo: string; province: string; status: string; at: string }): Promise<void>;

  outcomeDeposited(f: {
    outcomeId: string;
    province: string;
    accountNo: string | null;
    source: DepositFact['source'];
    type: OutcomeType;
    catalogItemCode: string;
    title: string;
    institutionCode: string | null;
    status: string;
    depositedBy: string;
    depositedAt: string;
  }): Promise<void>;
  outcomeRecognized(f: RecognizedOutcome & { at: string }): Promise<void>;
  outcomeRejected(f: { outcomeId: string; province: string; at: string }): Promise<void>;
  outcomeRevoked(f: { outcomeId: string; province: string; at: string }): Promise<void>;
  outcomeClaimed(f: { outcomeId: string; province: string; accountNo: string; at: string }): Promise<void>;

  catalogItemPublished(f: Omit<CatalogItemFact, 'retired'>): Promise<void>;
  catalogItemRetired(f: { code: string; version: number }): Promise<void>;
  institutionChanged(f: InstitutionFact & { at: string }): Promise<void>;
  serviceNodeChanged(f: {
    nodeId: string;
    province: string;
    adminDivision: string;
    kind: string;
    name: string | null;
    status: string;
    at: string;
  }): Promise<void>;
  operatorAssignment(f: OperatorAssignmentFact): Promise<void>;

  projectPublished(f: Omit<LearningProjectFact, 'cancelled'>): Promise<void>;
  projectCancelled(f: { projectId: string; province: string; at: string }): Promise<void>;
  enrolment(f: { projectId: string; accountNo: string; province: string; enrolled: boolean; at: string }): Promise<void>;

  rulePublished(f: Omit<ConversionRuleFact, 'retired'>): Promise<void>;
  ruleRetired(f: { ruleId: string; version: number }): Promise<void>;
  applicationSubmitted(f: {
    applicationId: string;
    province: string;
    accountNo: string;
    ruleId: string;
    nodeId: string | null;
    at: string;
  }): Promise<void>;
  applicationApproved(f: {
    applicationId: string;
    province: string;
    accountNo: string;
    ruleId: string;
    credits: number;
    at: string;
  }): Promise<void>;
  applicationClosed(f: {
    applicationId: string;
    province: string;
    accountNo: string;
    ruleId: string;
    outcome: 'rejected' | 'cancelled';
    at: string;
  }): Promise<void>;

  /** Freshness: the newest event time applied from a topic. */
  eventApplied(topic: string, eventTime: string): Promise<void>;
}

export interface OutcomeQuery {
  fromDay: string | null;
  toDay: string | null;
  type: OutcomeType | null;
}

export interface ApplicationQuery {
  nodeIds?: readonly string[];
  accountNo?: string;
}

/** The query side; every method takes the tenant scope. */
export interface FactReader {
  learners(scope: TenantScope, divisionPrefix: string | null): Promise<LearnerFact[]>;
  learnersByAccountNo(scope: TenantScope, accountNos: readonly string[]): Promise<LearnerFact[]>;
  recognizedOutcomes(scope: TenantScope, q: OutcomeQuery): Promise<RecognizedOutcome[]>;
  recognizedOutcomesOf(scope: TenantScope, accountNos: readonly string[]): Promise<RecognizedOutcome[]>;
  /** Catalogue items the learner holds (deposited, pending or recognised; not rejected or revoked). */
  heldCatalogItems(scope: TenantScope, accountNo: string): Promise<Set<string>>;
  intakeDeposits(scope: TenantScope, depositedBy: readonly string[]): Promise<DepositFact[]>;
  /** Learners whose account was opened at one of these nodes. */
  learnersOpenedAt(scope: TenantScope, nodeIds: readonly string[]): Promise<LearnerFact[]>;
  operatorAssignments(scope: TenantScope, nodeIds: readonly string[]): Promise<OperatorAssignmentFact[]>;
  operatorAssignmentsOf(scope: TenantScope, userIds: readonly string[]): Promise<OperatorAssignmentFact[]>;
  applications(scope: TenantScope, q: ApplicationQuery): Promise<ApplicationFact[]>;
  catalogItems(): Promise<CatalogItemFact[]>;
  institutions(scope: TenantScope, codes: readonly string[]): Promise<InstitutionFact[]>;
  learningProjects(scope: TenantScope): Promise<LearningProjectFact[]>;
  enrolments(scope: TenantScope, q: { accountNo?: string; projectIds?: readonly string[] }): Promise<EnrolmentFact[]>;
  conversionRules(scope: TenantScope): Promise<ConversionRuleFact[]>;
  freshness(): Promise<{ topic: string; lastEventAt: string; appliedAt: string }[]>;
}

/** Regional economic indicators: uploaded, not learned from events (they survive a rebuild). */
export interface IndicatorStore {
  upsert(indicators: readonly RegionalIndicator[]): Promise<number>;
  find(scope: TenantScope, indicator: string, year: number): Promise<RegionalIndicator[]>;
}

export type ReadModelStore = FactWriter & FactReader;

export type { Gender };
