import { createHash } from 'node:crypto';
import type { CreditComputation, OutcomeType } from '@creditbank/credit-rules';

/** A learning outcome in a learner's lifelong archive (学习成果). Pure: no I/O. */
export type OutcomeStatus = 'UNCLAIMED' | 'PENDING_REVIEW' | 'RECOGNIZED' | 'REJECTED' | 'REVOKED';
export type OutcomeSource = 'INSTITUTION_IMPORT' | 'INTAKE_POINT' | 'SELF_DECLARED';
/** What a pending outcome waits for before it can be recognised automatically. */
export type Awaiting = 'CREDIT_STANDARD';

export interface Recognition {
  credits: number;
  points: number;
  creditStandardVersion: number;
  catalogItemVersion: number;
  rule: string | null;
  explanation: string;
  /** Cap keys (annual caps) the credits count towards; with `year`, the per-year totals. */
  capKeys: string[];
  year: number;
  by: string;
  at: Date;
}

export interface LearningOutcome {
  id: string;
  /** Learner's province once claimed; before that, the depositing institution's. */
  province: string;
  accountNo: string | null;
  idHash: string;
  learnerNameMasked: string | null;
  institutionCode: string | null;
  source: OutcomeSource;
  type: OutcomeType;
  catalogItemCode: string;
  catalogItemVersion: number | null;
  title: string;
  hours: number | null;
  credits: number | null;
  score: number | null;
  achievedAt: string;
  /** Calendar year of achievedAt (archive timeline). */
  year: number;
  certificateNo: string | null;
  evidence: string[];
  externalRef: string | null;
  batchId: string | null;
  status: OutcomeStatus;
  /** Why it waits for review, or why it was rejected or revoked. */
  statusReason: string | null;
  /**
   * PENDING_REVIEW only because something it needs has not arrived yet (`CREDIT_STANDARD`: no credit
   * standard in force in the province): recognised automatically when it arrives.
   */
  awaiting: Awaiting | null;
  recognition: Recognition | null;
  depositedAt: Date;
  depositedBy: string;
  /** The intake point (service node) where an operator deposited it; null otherwise. */
  nodeId: string | null;
  version: number;
}

export function recognitionFrom(c: CreditComputation, by: string, at: Date): Recognition {
  return {
    credits: c.credits,
    points: c.points,
    creditStandardVersion: c.standard.version,
    catalogItemVersion: c.catalogItem.version,
    rule: c.rule,
    explanation: c.explanation,
    capKeys: [...c.annualCapKeys],
    year: c.year,
    by,
    at,
  };
}

/** Which statuses may become which (review, revocation, claiming). */
export const NEXT: Readonly<Record<OutcomeStatus, readonly OutcomeStatus[]>> = {
  UNCLAIMED: ['PENDING_REVIEW', 'RECOGNIZED', 'REVOKED'],
  PENDING_REVIEW: ['RECOGNIZED', 'REJECTED', 'REVOKED'],
  RECOGNIZED: ['REVOKED'],
  REJECTED: [],
  REVOKED: [],
};

/**
 * The id of an imported outcome: derived from (institution, externalRef), so a re-sent row finds its
 * earlier self by primary key and a duplicate cannot be stored twice even by concurrent imports.
 */
export function importedOutcomeId(institutionCode: string, externalRef: string): string {
  const h = createHash('sha256').update(`creditbank/outcome-import\u0000${institutionCode}\u0000${externalRef}`, 'utf8').digest('hex');
  // RFC 9562 layout, version 8 (custom), variant 10.
  return `oc-${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
