import { BadInputError, scopeOf, type Caller } from '@creditbank/kernel';
import type { NodeStats } from '../domain/facts';
import type { AccountFactStore } from './ports';

const STAFF = new Set(['INTAKE_OPERATOR', 'CENTER_ADMIN', 'ANALYST', 'PLATFORM_ADMIN']);

export function parsePeriodBound(value: string | null | undefined, field: string, endOfDay: boolean): Date | null {
  if (value === undefined || value === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new BadInputError('Must be a date as YYYY-MM-DD', field);
  }
  return new Date(`${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`);
}

/**
 * Statistics of several nodes in one go (batched). Staff see their province's figures; other callers
 * and other provinces' nodes see zeros, exactly like a node where nothing happened.
 */
export async function nodeStats(
  store: AccountFactStore,
  caller: Caller,
  nodeIds: readonly string[],
  from: Date | null,
  to: Date | null,
): Promise<NodeStats[]> {
  if (caller.kind !== 'user' || !STAFF.has(caller.role)) return nodeIds.map(() => ({ accountsOpened: 0 }));
  const counts = await store.countOpenedAt(scopeOf(caller), nodeIds, from, to);
  return nodeIds.map((id) => ({ accountsOpened: counts.get(id) ?? 0 }));
}
