/** The learner account aggregate (终身学习账户). Pure: no I/O. */
export type AccountStatus = 'PENDING_VERIFICATION' | 'ACTIVE' | 'FROZEN' | 'CLOSED';
export type OpeningChannel = 'ONLINE' | 'INTAKE_POINT';
export type Gender = 'MALE' | 'FEMALE';

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
  openedAt: Date;
  openingChannel: OpeningChannel;
  /** Service node where the account was opened (intake point channel). */
  openedAtNode: string | null;
  agreement: { version: string; acceptedAt: Date } | null;
}

/** Stored alongside the learner, never returned by reads. */
export interface LearnerSecrets {
  passwordHash: string;
}
