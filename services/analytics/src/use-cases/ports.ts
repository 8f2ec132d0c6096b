import type { TenantScope } from '@creditbank/kernel';
import type { AccountFact } from '../domain/facts';

export interface AccountFactStore {
  /** Insert-once by accountNo: a redelivered event changes nothing. */
  add(fact: AccountFact): Promise<void>;
  countOpenedAt(scope: TenantScope, nodeIds: readonly string[], from: Date | null, to: Date | null): Promise<Map<string, number>>;
}
