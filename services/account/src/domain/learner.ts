import { BadInputError } from '@creditbank/kernel';

/** The learner account aggregate (终身学习账户). Pure: no I/O. */
export type AccountStatus = 'PENDING_VERIFICATION' | 'ACTIVE' | 'FROZEN' | 'CLOSED';
export type OpeningChannel = 'ONLINE' | 'INTAKE_POINT';
export type Gender = 'MALE' | 'FEMALE';

/** One line of an account's audit trail: who, when, what, why. */
export interface AuditEntry {
  at: Date;
  by: string;
  action: 'OPENED' | 'VERIFIED' | 'PROFILE_UPDATED' | 'FROZEN' | 'UNFROZEN' | 'CLOSED';
  reason: string | null;
  /** Changed fields with masked before/after values (never raw personal data). */
  changes: Array<{ field: string; from: string | null; to: string | null }>;
}

export interface Learner {
  accountNo: string;
  province: string;
  name: string;
  /** HMAC of the normalised ID number: the uniqueness key across all provinces. */
  idHash: string;
  idNumberMasked: string;
  gender: Gender;
  birthDate: string;
  birthYear: number;
  phoneMasked: string | null;
  adminDivision: string;
  householdId: string | null;
  educationLevel: string | null;
  occupation: string | null;
  status: AccountStatus;
  statusReason: string | null;
  openedAt: Date;
  openingChannel: OpeningChannel;
  /** Service node where the account was opened (intake point channel). */
  openedAtNode: string | null;
  agreement: { version: string; acceptedAt: Date } | null;
  history: AuditEntry[];
  /** Optimistic concurrency: every change increments it. */
  version: number;
}

const TRANSITIONS: Record<AccountStatus, readonly AccountStatus[]> = {
  PENDING_VERIFICATION: ['ACTIVE', 'CLOSED'],
  ACTIVE: ['FROZEN', 'CLOSED'],
  FROZEN: ['ACTIVE', 'CLOSED'],
  CLOSED: [],
};

/** PENDING_VERIFICATION → ACTIVE → FROZEN ⇄ ACTIVE → CLOSED; anything else is refused. */
export function assertTransition(from: AccountStatus, to: AccountStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new BadInputError(`An account that is ${from} cannot become ${to}`, 'accountNo', { status: from });
  }
}

export function canTransition(from: AccountStatus, to: AccountStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
