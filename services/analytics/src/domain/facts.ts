/**
 * The analytics read models, as the domain sees them: facts learned from the event streams, with no
 * personal data (birth year and division, never names or ID numbers).
 */
export type OutcomeType = 'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC';
export const OUTCOME_TYPES: readonly OutcomeType[] = ['ACADEMIC', 'VOCATIONAL', 'NON_ACADEMIC'];
export type Gender = 'MALE' | 'FEMALE';

/** A learner account (dimension): the effective division and household after profile updates. */
export interface LearnerFact {
  accountNo: string;
  province: string;
  adminDivision: string;
  gender: Gender;
  birthYear: number;
  householdId: string | null;
  channel: 'ONLINE' | 'INTAKE_POINT';
  nodeId: string | null;
  /** ISO instant. */
  openedAt: string;
  status: string;
}

/** A recognised (and not revoked) learning outcome: the fact most queries count. */
export interface RecognizedOutcome {
  outcomeId: string;
  accountNo: string;
  province: string;
  type: OutcomeType;
  catalogItemCode: string;
  title: string;
  level: number | null;
  track: string | null;
  institutionCode: string | null;
  credits: number;
  score: number | null;
  /** Day of recognition, YYYY-MM-DD (the period filters apply to it). */
  day: string;
  achievedAt: string;
}

/** A deposit (any status) as node statistics count it. */
export interface DepositFact {
  outcomeId: string;
  province: string;
  source: 'INSTITUTION_IMPORT' | 'INTAKE_POINT' | 'SELF_DECLARED';
  depositedBy: string;
  depositedAt: string;
}

export interface CatalogItemFact {
  code: string;
  version: number;
  province: string | null;
  title: string;
  type: OutcomeType;
  level: number | null;
  track: string | null;
  retired: boolean;
}

export interface InstitutionFact {
  code: string;
  name: string;
  province: string;
  adminDivision: string;
}

export interface LearningProjectFact {
  projectId: string;
  nodeId: string;
  province: string;
  adminDivision: string;
  title: string;
  catalogItemCode: string | null;
  startsAt: string;
  endsAt: string | null;
  capacity: number;
  cancelled: boolean;
}

export interface EnrolmentFact {
  projectId: string;
  accountNo: string;
  province: string;
  active: boolean;
  /** ISO instant of the latest enrolment. */
  enrolledAt: string | null;
}

export interface ConversionRuleFact {
  ruleId: string;
  version: number;
  province: string;
  name: string;
  creditsRequired: number;
  catalogItemCodes: string[];
  types: OutcomeType[];
  minLevel: number | null;
  minScore: number | null;
  withinYears: number | null;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  retired: boolean;
}

export interface ApplicationFact {
  applicationId: string;
  province: string;
  accountNo: string;
  ruleId: string;
  nodeId: string | null;
  submittedAt: string | null;
  approvedAt: string | null;
  rejectedAt: string | null;
  cancelledAt: string | null;
  creditsConsumed: number;
}

/** One operator ↔ node assignment change (intake-point deposits are attributed through these). */
export interface OperatorAssignmentFact {
  userId: string;
  nodeId: string;
  province: string;
  kind: 'ASSIGNED' | 'UNASSIGNED';
  at: string;
}

export interface RegionalIndicator {
  province: string;
  division: string;
  year: number;
  indicator: string;
  value: number;
}

export interface NodeStats {
  accountsOpened: number;
  outcomesDeposited: number;
  conversionsSubmitted: number;
  conversionsApproved: number;
}
