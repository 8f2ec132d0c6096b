import type { OutgoingEvent } from '@creditbank/contracts';
import type { TenantScope } from '@creditbank/kernel';
import type { AccountStatus, AuditEntry, Gender, Learner, OpeningChannel } from '../domain/learner';
import type { Institution, InstitutionCategory } from '../domain/institution';
import type { StaffUser } from '../domain/staff-user';

/** Everything stored for a new account; personal data in clear here, sealed by the repository. */
export interface NewLearner {
  accountNo: string;
  province: string;
  name: string;
  idNumber: string;
  idHash: string;
  idNumberMasked: string;
  gender: Gender;
  birthDate: string;
  birthYear: number;
  phone: string | null;
  phoneHash: string | null;
  phoneMasked: string | null;
  adminDivision: string;
  householdId: string | null;
  educationLevel: string | null;
  occupation: string | null;
  status: 'PENDING_VERIFICATION' | 'ACTIVE';
  openedAt: Date;
  openingChannel: OpeningChannel;
  openedAtNode: string | null;
  agreement: { version: string; acceptedAt: Date } | null;
  passwordHash: string;
  history: AuditEntry[];
  /** For PENDING_VERIFICATION: when to ask the verification service again. */
  nextVerificationAt: Date | null;
}

export interface LearnerFilter {
  divisionPrefix?: string;
  status?: AccountStatus;
  channel?: OpeningChannel;
  openedFrom?: Date;
  openedTo?: Date;
}

export interface LearnerChange {
  /** Fields to set on the learner (personal data in clear; sealed by the repository). */
  set: Partial<
    Pick<NewLearner, 'phone' | 'phoneHash' | 'phoneMasked' | 'adminDivision' | 'householdId' | 'educationLevel' | 'occupation'>
  > & {
    status?: AccountStatus;
    statusReason?: string | null;
    /** Free the one-person-one-account key (identity mismatch). */
    releaseIdHash?: boolean;
    nextVerificationAt?: Date | null;
  };
  audit: AuditEntry;
  events: readonly OutgoingEvent[];
}

/** What login needs about a learner (never exposed through the graph). */
export interface LearnerCredential {
  accountNo: string;
  province: string;
  status: AccountStatus;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: Date | null;
}

export interface PendingVerification {
  accountNo: string;
  version: number;
  idNumber: string;
  name: string;
  attempts: number;
}

export interface LearnerStore {
  /** Allocate the next account number serial of a province (never reused). */
  nextSerial(province: string): Promise<number>;
  /** Store a new learner and its events in one write, unless the person already has an account. */
  insert(
    learner: NewLearner,
    events: readonly OutgoingEvent[],
  ): Promise<{ ok: true; learner: Learner } | { ok: false; existingProvince: string }>;
  findByAccountNos(scope: TenantScope, accountNos: readonly string[]): Promise<Learner[]>;
  findByIdHash(scope: TenantScope, idHash: string): Promise<Learner | null>;
  list(
    scope: TenantScope,
    filter: LearnerFilter,
    page: { after: string | null; limit: number },
  ): Promise<{ rows: Learner[]; total: number }>;
  /** Apply a change if the learner is still at `version` (optimistic concurrency). */
  update(accountNo: string, version: number, change: LearnerChange): Promise<Learner | null>;
  credentialByAccountNo(accountNo: string): Promise<LearnerCredential | null>;
  credentialsByPhoneHash(phoneHash: string): Promise<LearnerCredential[]>;
  recordLoginFailure(accountNo: string, lockedUntil: Date | null): Promise<void>;
  recordLoginSuccess(accountNo: string): Promise<void>;
  /** Take one due pending verification, leasing it for `leaseMs` so no other replica takes it. */
  claimDueVerification(now: Date, leaseMs: number): Promise<PendingVerification | null>;
  /** Verification still undecided: try again at `next`. */
  postponeVerification(accountNo: string, attempts: number, next: Date, lastError: string): Promise<void>;
}

export interface InstitutionFilter {
  category?: InstitutionCategory;
  divisionPrefix?: string;
  search?: string;
}

export interface InstitutionStore {
  insert(institution: Institution, events: readonly OutgoingEvent[]): Promise<boolean>;
  findByCodes(scope: TenantScope, codes: readonly string[]): Promise<Institution[]>;
  list(
    scope: TenantScope,
    filter: InstitutionFilter,
    page: { after: string | null; limit: number },
  ): Promise<{ rows: Institution[]; total: number }>;
  update(
    code: string,
    updatedAt: Date,
    set: Partial<Pick<Institution, 'name' | 'adminDivision' | 'status'>>,
    events: (after: Institution) => readonly OutgoingEvent[],
  ): Promise<Institution | null>;
}

export interface StaffCredential {
  id: string;
  username: string;
  role: StaffUser['role'];
  province: string;
  institutionCode: string | null;
  status: StaffUser['status'];
  passwordHash: string;
  failedLogins: number;
  lockedUntil: Date | null;
}

export interface StaffStore {
  insert(user: StaffUser, passwordHash: string, events: readonly OutgoingEvent[]): Promise<boolean>;
  findByIds(scope: TenantScope, ids: readonly string[]): Promise<StaffUser[]>;
  findByUsername(username: string): Promise<StaffUser | null>;
  credentialByUsername(username: string): Promise<StaffCredential | null>;
  recordLoginFailure(id: string, lockedUntil: Date | null): Promise<void>;
  recordLoginSuccess(id: string): Promise<void>;
}

/** Operator ↔ node bindings learned from the intake network's events. */
export interface OperatorAssignmentStore {
  /** Record an assignment if it is newer than what is stored. Idempotent. */
  assign(userId: string, nodeId: string, province: string, at: Date): Promise<void>;
  /** Clear the binding if it is still to `nodeId` and the event is newer. Idempotent. */
  unassign(userId: string, nodeId: string, at: Date): Promise<void>;
  nodeOf(userId: string): Promise<string | null>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface TokenIssuer {
  issue(claims: { sub: string; role: string; prov: string; node?: string; inst?: string; acct?: string }): {
    token: string;
    expiresAt: Date;
  };
}

export type VerificationResult = 'match' | 'mismatch' | 'unavailable';

/** The external real-name verification service (实名认证). */
export interface IdentityVerifier {
  verify(idNumber: string, name: string): Promise<{ result: VerificationResult; detail?: string }>;
}

export interface Keyed {
  /** HMAC of a normalised ID number. */
  idHash(idNumber: string): string;
  /** HMAC of a normalised phone number (login by phone). */
  phoneHash(phone: string): string;
}
