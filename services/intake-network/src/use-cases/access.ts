import { ForbiddenError, NotFoundError, scopeOf, type Caller } from '@creditbank/kernel';
import type { ServiceNode } from '../domain/service-node';

/**
 * Who may change what in the network (docs/intake-network.md):
 * - the province's CENTER_ADMIN and PLATFORM_ADMIN run the network: open, update, suspend, close,
 *   reopen nodes, assign operators, publish and cancel projects anywhere in it;
 * - an INTAKE_OPERATOR bound to a node (token `node`) looks after that node and everything below it:
 *   its practical details (address, location, contact, opening hours, services) and its local
 *   learning projects; an operator of a sub-centre therefore serves its whole county.
 * Another province's node looks exactly like a missing one.
 */
export function isNetworkAdmin(caller: Caller, province: string): boolean {
  if (caller.kind !== 'user') return false;
  return caller.role === 'PLATFORM_ADMIN' || (caller.role === 'CENTER_ADMIN' && caller.province === province);
}

/** The node itself or one below it is in the operator's care. */
export function isNodeStaff(caller: Caller, node: Pick<ServiceNode, 'id' | 'province' | 'ancestorIds'>): boolean {
  if (caller.kind !== 'user' || caller.role !== 'INTAKE_OPERATOR' || !caller.node || caller.province !== node.province) return false;
  return caller.node === node.id || node.ancestorIds.includes(caller.node);
}

/** Load-and-check for mutations: missing and foreign look the same; own province but no right is FORBIDDEN. */
export function requireVisible<T extends { province: string }>(caller: Caller, found: T | undefined, what: string): T {
  const scope = scopeOf(caller);
  if (!found || ('province' in scope && scope.province !== found.province)) throw new NotFoundError(what);
  return found;
}

export function requireAdmin(caller: Caller, province: string): void {
  if (!isNetworkAdmin(caller, province)) throw new ForbiddenError('Only the centre administrator of the province may do this');
}
