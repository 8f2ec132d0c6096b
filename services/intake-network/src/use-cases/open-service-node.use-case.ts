import { randomUUID } from 'node:crypto';
import { ServiceNodeOpened, createEvent, type OutgoingEvent } from '@creditbank/contracts';
import { ALL_PROVINCES, BadInputError, ConflictError, ForbiddenError, scopeOf, type CommandContext, freeText } from '@creditbank/kernel';
import { DIVISION_CODE, type Division } from '../domain/division';
import { placeNode, type NodeAbove } from '../domain/hierarchy';
import {
  LEVEL_OF_KIND,
  parseContact,
  parseKind,
  parseLocation,
  parseOpeningHours,
  parseServices,
  slotOf,
  type GeoPoint,
  type NodeContact,
  type OpeningHours,
  type ServiceNode,
  type ServiceNodeKind,
} from '../domain/service-node';
import { actorOf, metaOf, nodeFacts } from './event-meta';
import type { DivisionDirectory, IntakePointIndex, ServiceNodeStore } from './ports';
import { indexIntakePoints } from './intake-point-index.use-case';
import { isNetworkAdmin } from './access';

export interface OpenServiceNodeInput {
  kind: ServiceNodeKind;
  name: string;
  adminDivision: string;
  parentId?: string | null;
  address?: string | null;
  location?: GeoPoint | null;
  hostOrganization?: string | null;
  contact?: { phone?: string | null; email?: string | null } | null;
  openingHours?: OpeningHours[] | null;
  services?: string[] | null;
}

export interface NetworkDeps {
  nodes: ServiceNodeStore;
  divisions: DivisionDirectory;
  index: IntakePointIndex;
}

/** The division a node of this kind is bound to, or BAD_USER_INPUT saying what is wrong with the code. */
export function resolveDivision(divisions: DivisionDirectory, kind: ServiceNodeKind, raw: string): Division {
  const code = raw.trim();
  if (!DIVISION_CODE.test(code))
    throw new BadInputError('Administrative division must be a 6- or 9-digit GB/T 2260 code', 'input.adminDivision');
  const level = LEVEL_OF_KIND[kind];
  const division = divisions.find(code, level);
  if (division) return division;
  const levels = divisions.levelsOf(code);
  if (levels.length > 0) {
    throw new BadInputError(
      `${code} is a ${levels.join('/').toLowerCase()} division; a ${kind} is bound to a ${level.toLowerCase()} division`,
      'input.adminDivision',
    );
  }
  throw new BadInputError(`${code} is not a known GB/T 2260 division`, 'input.adminDivision');
}

/** The slots of the nodes that could be above a node of this division: its province's centre, city's branch, county's sub-centre. */
export function enclosingSlots(division: Division): string[] {
  if (division.level === 'PROVINCE') return [];
  const slots = [`CENTER:${division.province}`];
  if (division.level === 'CITY') return slots;
  slots.push(`BRANCH:${division.cityCode}`);
  if (division.level === 'TOWNSHIP') slots.push(`SUBCENTER:${division.countyCode}`);
  return slots;
}

export interface NodeFields {
  id: string;
  kind: ServiceNodeKind;
  name: string;
  division: Division;
  parent: NodeAbove | null;
  address: string | null;
  location: GeoPoint | null;
  hostOrganization: string | null;
  contact: NodeContact | null;
  openingHours: OpeningHours[];
  services: ServiceNode['services'];
}

/** A new ACTIVE node and its `service-node.opened` event (shared with the demo generator). */
export function newNode(
  f: NodeFields,
  ctx: Pick<CommandContext, 'now' | 'requestId' | 'traceparent'>,
  actor: string,
): { node: ServiceNode; slot: string; events: OutgoingEvent[] } {
  const node: ServiceNode = {
    id: f.id,
    kind: f.kind,
    name: f.name,
    province: f.division.province,
    adminDivision: f.division.code,
    divisionName: f.division.fullName,
    parentId: f.parent?.id ?? null,
    ancestorIds: f.parent ? [...f.parent.ancestorIds, f.parent.id] : [],
    address: f.address,
    location: f.location,
    hostOrganization: f.hostOrganization,
    contact: f.contact,
    openingHours: f.openingHours,
    services: f.services,
    status: 'ACTIVE',
    statusReason: null,
    history: [{ at: ctx.now, by: actor, action: 'OPENED', status: 'ACTIVE', reason: null, changed: [] }],
    openedAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  const event = createEvent(
    ServiceNodeOpened,
    { ...nodeFacts(node), openedBy: actor, openedAt: ctx.now.toISOString() },
    metaOf(ctx, node.province),
  );
  return { node, slot: slotOf(node), events: [event] };
}

const SLOT_TAKEN: Record<ServiceNodeKind, string> = {
  CENTER: 'The province already has a centre',
  BRANCH: 'This city already has a branch',
  SUBCENTER: 'This county already has a sub-centre',
  INTAKE_POINT: 'This intake point exists already',
};

/**
 * Open a node of the intake network (CENTER_ADMIN of the division's province, PLATFORM_ADMIN). The
 * hierarchy rules are in domain/hierarchy.ts; uniqueness of centres, branches and sub-centres is a
 * unique index, so two concurrent openings cannot both win.
 */
export async function openServiceNode(deps: NetworkDeps, ctx: CommandContext, input: OpenServiceNodeInput): Promise<ServiceNode> {
  const caller = ctx.caller;
  if (caller.kind !== 'user' || (caller.role !== 'CENTER_ADMIN' && caller.role !== 'PLATFORM_ADMIN')) {
    throw new ForbiddenError('Only a centre administrator may open service nodes');
  }
  const kind = parseKind(input.kind, 'input.kind');
  const name = freeText(input.name, 'input.name', { min: 2, max: 100, required: true, noAngleBrackets: true });
  const division = resolveDivision(deps.divisions, kind, input.adminDivision);
  if (!isNetworkAdmin(caller, division.province)) {
    throw new BadInputError('Administrative division lies outside your province', 'input.adminDivision');
  }
  const address = freeText(input.address, 'input.address', { max: 200, noAngleBrackets: true });
  const hostOrganization = freeText(input.hostOrganization, 'input.hostOrganization', { max: 100, noAngleBrackets: true });
  const location = parseLocation(input.location, 'input.location');
  const contact = parseContact(input.contact, 'input.contact');
  const openingHours = parseOpeningHours(input.openingHours, 'input.openingHours');
  const services = parseServices(input.services, 'input.services', kind);

  let named: ServiceNode | undefined;
  if (input.parentId !== undefined && input.parentId !== null && input.parentId !== '') {
    const parentId = freeText(input.parentId, 'input.parentId', { max: 64, required: true, noAngleBrackets: true });
    [named] = await deps.nodes.findByIds(scopeOf(caller), [parentId]);
    if (!named) throw new BadInputError('No service node with this id', 'input.parentId');
  }
  const enclosing = kind === 'CENTER' ? [] : await deps.nodes.findBySlots(ALL_PROVINCES, enclosingSlots(division));
  const parent = placeNode(kind, division, named, enclosing);

  const { node, slot, events } = newNode(
    { id: `sn-${randomUUID()}`, kind, name, division, parent, address, location, hostOrganization, contact, openingHours, services },
    ctx,
    actorOf(ctx),
  );
  const result = await deps.nodes.insert(node, slot, events);
  if (result !== 'inserted') {
    const [holder] = await deps.nodes.findBySlots(ALL_PROVINCES, [slot]);
    throw new ConflictError(SLOT_TAKEN[kind], holder ? { existingId: holder.id } : {});
  }
  await indexIntakePoints(deps.index, [node]);
  return node;
}
