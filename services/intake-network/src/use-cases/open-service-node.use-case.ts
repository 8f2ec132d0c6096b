import { randomUUID } from 'node:crypto';
import { BadInputError, ForbiddenError, type CommandContext } from '@creditbank/kernel';
import type { ServiceNode, ServiceNodeKind } from '../domain/service-node';
import type { ServiceNodeStore } from './ports';

export interface OpenServiceNodeInput {
  kind: ServiceNodeKind;
  name: string;
  adminDivision: string;
  parentId?: string | null;
  address?: string | null;
  location?: { lat: number; lng: number } | null;
  hostOrganization?: string | null;
}

/** Open a node of the intake network in the caller's province (CENTER_ADMIN). */
export async function openServiceNode(store: ServiceNodeStore, ctx: CommandContext, input: OpenServiceNodeInput): Promise<ServiceNode> {
  const c = ctx.caller;
  if (c.kind !== 'user' || (c.role !== 'CENTER_ADMIN' && c.role !== 'PLATFORM_ADMIN')) {
    throw new ForbiddenError('Only a centre administrator may open service nodes');
  }
  const name = input.name.trim();
  if (name.length < 2 || name.length > 100) throw new BadInputError('Name must be 2 to 100 characters', 'input.name');
  if (!/^[1-9][0-9]{5}([0-9]{3})?$/.test(input.adminDivision)) {
    throw new BadInputError('Administrative division must be a 6- or 9-digit GB/T 2260 code', 'input.adminDivision');
  }
  const province = input.adminDivision.slice(0, 2);
  if (c.role !== 'PLATFORM_ADMIN' && province !== c.province) {
    throw new BadInputError('Administrative division lies outside your province', 'input.adminDivision');
  }
  const node: ServiceNode = {
    id: `sn-${randomUUID()}`,
    kind: input.kind,
    name,
    province,
    adminDivision: input.adminDivision,
    parentId: input.parentId ?? null,
    address: input.address?.trim() || null,
    location: input.location ?? null,
    hostOrganization: input.hostOrganization?.trim() || null,
    status: 'ACTIVE',
    openedAt: ctx.now,
  };
  await store.insert(node);
  return node;
}
