import { type TenantScope } from '@creditbank/kernel';

/**
 * The filter that confines a query to a tenant. Repositories merge it into every query; there is no
 * repository method without a scope parameter.
 */
export function tenantFilter(scope: TenantScope): { province?: string } {
  return 'all' in scope ? {} : { province: scope.province };
}

/** Merge a tenant scope into a filter. A filter that already names another province matches nothing. */
export function scoped<F extends Record<string, unknown>>(scope: TenantScope, filter: F): F & { province?: unknown } {
  if ('all' in scope) return filter;
  const requested = filter['province'];
  if (requested !== undefined && requested !== scope.province) {
    return { ...filter, province: { $in: [] } };
  }
  return { ...filter, province: scope.province };
}

/** Plain object from a lean document: `_id` becomes `id`, internal fields are dropped. */
type Internal = '_id' | '__v' | '_outbox' | '_outboxCount' | '_outboxWrite';

export function toPlain<T extends { _id: unknown }>(doc: T): Omit<T, Internal> & { id: string } {
  const { _id, ...rest } = doc as T & { __v?: unknown; _outbox?: unknown; _outboxCount?: unknown; _outboxWrite?: unknown };
  delete rest.__v;
  delete rest._outbox;
  delete rest._outboxCount;
  delete rest._outboxWrite;
  return { ...(rest as Omit<T, Internal>), id: String(_id) };
}
