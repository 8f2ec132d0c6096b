import type { Caller } from './caller';
import { ForbiddenError, UnauthenticatedError } from './errors';

/**
 * The tenant a repository query runs in. Every repository method takes one: there is no way to
 * query "everything" by forgetting a filter. `all` is reserved for PLATFORM_ADMIN and for event
 * handlers that act on a record whose province they read from the event itself.
 */
export type TenantScope = { readonly province: string } | { readonly all: true };

export function provinceScope(province: string): TenantScope {
  return { province };
}

export const ALL_PROVINCES: TenantScope = Object.freeze({ all: true as const });

/** The scope a caller may read: their own province, or all of them for PLATFORM_ADMIN. */
export function scopeOf(caller: Caller): TenantScope {
  if (caller.kind !== 'user') throw new UnauthenticatedError();
  return caller.role === 'PLATFORM_ADMIN' ? ALL_PROVINCES : { province: caller.province };
}

export function scopeAllows(scope: TenantScope, province: string): boolean {
  return 'all' in scope || scope.province === province;
}

/**
 * Narrow a caller's scope by an optional province argument. Staff of one province asking for another
 * get an empty scope-equivalent error; the province argument can only narrow, never widen.
 */
export function narrowScope(scope: TenantScope, requested?: string | null): TenantScope {
  if (requested === undefined || requested === null) return scope;
  if ('all' in scope || scope.province === requested) return { province: requested };
  throw new ForbiddenError('Not allowed for that province');
}
