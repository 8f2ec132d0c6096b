import { ServiceNodeUpdated, createEvent } from '@creditbank/contracts';
import { ConflictError, ForbiddenError, scopeOf, type CommandContext, freeText } from '@creditbank/kernel';
import {
  parseContact,
  parseLocation,
  parseOpeningHours,
  parseServices,
  slotOf,
  type GeoPoint,
  type OpeningHours,
  type ServiceNode,
} from '../domain/service-node';
import { isNetworkAdmin, isNodeStaff, requireVisible } from './access';
import { actorOf, metaOf, nodeFacts } from './event-meta';
import type { IntakePointIndex, NodeChange, ServiceNodeStore } from './ports';
import { indexIntakePoints } from './intake-point-index.use-case';

export interface UpdateServiceNodeInput {
  name?: string | null;
  address?: string | null;
  location?: GeoPoint | null;
  hostOrganization?: string | null;
  contact?: { phone?: string | null; email?: string | null } | null;
  openingHours?: OpeningHours[] | null;
  services?: string[] | null;
}

type Field = 'name' | 'hostOrganization' | 'address' | 'location' | 'contact' | 'openingHours' | 'services';
/** What the operators of a node (and of the nodes above it) may change themselves. */
const PRACTICAL: readonly Field[] = ['address', 'location', 'contact', 'openingHours', 'services'];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Change a node's public details. Absent fields stay; `null` clears address, location, host
 * organisation, contact and opening hours. Centre admins change everything; the node's own operators
 * (or those of a node above) change its practical details. Closed nodes are not edited.
 */
export async function updateServiceNode(
  deps: { nodes: ServiceNodeStore; index: IntakePointIndex },
  ctx: CommandContext,
  id: string,
  input: UpdateServiceNodeInput,
): Promise<ServiceNode> {
  const [found] = await deps.nodes.findByIds(scopeOf(ctx.caller), [id]);
  const current = requireVisible(ctx.caller, found, 'Service node');
  const admin = isNetworkAdmin(ctx.caller, current.province);
  if (!admin && !isNodeStaff(ctx.caller, current)) throw new ForbiddenError('Not allowed to change this node');
  if (current.status === 'CLOSED') throw new ConflictError('A closed node cannot be changed; reopen it first', { status: 'CLOSED' });

  const next: Partial<Pick<ServiceNode, Field>> = {};
  if (input.name !== undefined && input.name !== null)
    next.name = freeText(input.name, 'input.name', { min: 2, max: 100, required: true, noAngleBrackets: true });
  if (input.hostOrganization !== undefined)
    next.hostOrganization = freeText(input.hostOrganization, 'input.hostOrganization', { max: 100, noAngleBrackets: true });
  if (input.address !== undefined) next.address = freeText(input.address, 'input.address', { max: 200, noAngleBrackets: true });
  if (input.location !== undefined) next.location = parseLocation(input.location, 'input.location');
  if (input.contact !== undefined) next.contact = parseContact(input.contact, 'input.contact');
  if (input.openingHours !== undefined) next.openingHours = parseOpeningHours(input.openingHours, 'input.openingHours');
  if (input.services !== undefined && input.services !== null)
    next.services = parseServices(input.services, 'input.services', current.kind);

  const changed = (Object.keys(next) as Field[]).filter((f) => !same(next[f], current[f]));
  if (changed.length === 0) return current;
  const refused = admin ? [] : changed.filter((f) => !PRACTICAL.includes(f));
  if (refused.length) throw new ForbiddenError(`Only the centre administrator may change ${refused.join(', ')}`);

  const set: NodeChange['set'] = { updatedAt: ctx.now };
  for (const f of changed) (set as Record<string, unknown>)[f] = next[f];
  const after: ServiceNode = { ...current, ...set };
  const actor = actorOf(ctx);
  const event = createEvent(
    ServiceNodeUpdated,
    {
      ...nodeFacts(after),
      changed: changed.map((f) => (f === 'name' ? 'nodeName' : f)),
      updatedBy: actor,
      updatedAt: ctx.now.toISOString(),
    },
    metaOf(ctx, after.province),
  );
  const result = await deps.nodes.update(current.id, current.version, {
    set,
    slot: slotOf(after),
    history: { at: ctx.now, by: actor, action: 'UPDATED', status: current.status, reason: null, changed },
    events: [event],
  });
  if (!result.ok) throw new ConflictError('The node was changed at the same time; load it again and retry');
  if (changed.includes('location')) await indexIntakePoints(deps.index, [result.node]);
  return result.node;
}
