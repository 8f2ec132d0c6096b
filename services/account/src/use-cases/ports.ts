import type { OutgoingEvent } from '@creditbank/contracts';
import type { TenantScope } from '@creditbank/kernel';
import type { Learner, LearnerSecrets } from '../domain/learner';

/** Persistence the account use-cases need; implemented in persistence/. */
export interface LearnerStore {
  /** Allocate the next account number serial of a province (never reused). */
  nextSerial(province: string): Promise<number>;
  /**
   * Store a new learner and its events in one write. If the person already has an account
   * (same ID hash), returns the existing account's province instead of storing anything.
   */
  insert(
    learner: Learner,
    secrets: LearnerSecrets,
    events: readonly OutgoingEvent[],
  ): Promise<{ ok: true } | { ok: false; existingProvince: string }>;
  findByAccountNos(scope: TenantScope, accountNos: readonly string[]): Promise<Learner[]>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
}
