import { BadInputError, ConflictError, freeText } from '@creditbank/kernel';
import type { DivisionLevel } from './division';

/** The intake network (服务体系): centre → branches → sub-centres → township intake points. Pure. */
export type ServiceNodeKind = 'CENTER' | 'BRANCH' | 'SUBCENTER' | 'INTAKE_POINT';
export type ServiceNodeStatus = 'ACTIVE' | 'SUSPENDED' | 'CLOSED';
export type NodeService = 'ACCOUNT_OPENING' | 'DEPOSIT' | 'CONVERSION_INTAKE' | 'CERTIFICATES';
export type Weekday = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';

export const KINDS: readonly ServiceNodeKind[] = ['CENTER', 'BRANCH', 'SUBCENTER', 'INTAKE_POINT'];
export const STATUSES: readonly ServiceNodeStatus[] = ['ACTIVE', 'SUSPENDED', 'CLOSED'];
export const NODE_SERVICES: readonly NodeService[] = ['ACCOUNT_OPENING', 'DEPOSIT', 'CONVERSION_INTAKE', 'CERTIFICATES'];
export const WEEKDAYS: readonly Weekday[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** Each kind is bound to one level of GB/T 2260. */
export const LEVEL_OF_KIND: Readonly<Record<ServiceNodeKind, DivisionLevel>> = {
  CENTER: 'PROVINCE',
  BRANCH: 'CITY',
  SUBCENTER: 'COUNTY',
  INTAKE_POINT: 'TOWNSHIP',
};

/** What a node offers unless told otherwise: intake points do the daily work; the others also certify. */
export const DEFAULT_SERVICES: Readonly<Record<ServiceNodeKind, readonly NodeService[]>> = {
  CENTER: NODE_SERVICES,
  BRANCH: NODE_SERVICES,
  SUBCENTER: NODE_SERVICES,
  INTAKE_POINT: ['ACCOUNT_OPENING', 'DEPOSIT', 'CONVERSION_INTAKE'],
};

export interface GeoPoint {
  lat: number;
  lng: number;
}

export interface NodeContact {
  /** Office phone (landline or mobile) of the node, not of a person. */
  phone: string | null;
  email: string | null;
}

export interface OpeningHours {
  days: Weekday[];
  /** `HH:MM`, local time. */
  opens: string;
  closes: string;
}

/** One line of a node's history: who, when, what, why. */
export interface NodeHistoryEntry {
  at: Date;
  by: string;
  action: 'OPENED' | 'UPDATED' | 'SUSPENDED' | 'RESUMED' | 'CLOSED' | 'REOPENED';
  status: ServiceNodeStatus;
  reason: string | null;
  /** Names of the fields an update changed. */
  changed: string[];
}

export interface ServiceNode {
  id: string;
  kind: ServiceNodeKind;
  name: string;
  province: string;
  adminDivision: string;
  /** Full name of the division, province first. */
  divisionName: string;
  parentId: string | null;
  /** Ids of every node above, the centre first (parents never change, so this never does either). */
  ancestorIds: string[];
  address: string | null;
  location: GeoPoint | null;
  hostOrganization: string | null;
  contact: NodeContact | null;
  openingHours: OpeningHours[];
  services: NodeService[];
  status: ServiceNodeStatus;
  statusReason: string | null;
  history: NodeHistoryEntry[];
  openedAt: Date;
  updatedAt: Date;
  /** Optimistic concurrency: every change increments it. */
  version: number;
}

/**
 * The uniqueness slot of a node: one centre per province, one branch per city, one sub-centre per
 * county among nodes that are not closed. Intake points have no shared slot (a township may have
 * several). Closed nodes give their slot up, so a successor can open; reopening takes it back.
 */
export function slotOf(node: Pick<ServiceNode, 'id' | 'kind' | 'province' | 'adminDivision' | 'status'>): string {
  if (node.status === 'CLOSED') return `closed:${node.id}`;
  if (node.kind === 'CENTER') return `CENTER:${node.province}`;
  if (node.kind === 'INTAKE_POINT') return `node:${node.id}`;
  return `${node.kind}:${node.adminDivision}`;
}

export const KIND_RANK: Readonly<Record<ServiceNodeKind, number>> = { CENTER: 0, BRANCH: 1, SUBCENTER: 2, INTAKE_POINT: 3 };

type Transition = { to: ServiceNodeStatus; action: NodeHistoryEntry['action'] };
const TRANSITIONS: Record<'suspend' | 'resume' | 'close' | 'reopen', { from: readonly ServiceNodeStatus[] } & Transition> = {
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED', action: 'SUSPENDED' },
  resume: { from: ['SUSPENDED'], to: 'ACTIVE', action: 'RESUMED' },
  close: { from: ['ACTIVE', 'SUSPENDED'], to: 'CLOSED', action: 'CLOSED' },
  reopen: { from: ['CLOSED'], to: 'ACTIVE', action: 'REOPENED' },
};
export type StatusCommand = keyof typeof TRANSITIONS;

/** ACTIVE ⇄ SUSPENDED, ACTIVE/SUSPENDED → CLOSED → (reopen) ACTIVE; anything else is a conflict. */
export function transition(from: ServiceNodeStatus, command: StatusCommand): Transition {
  const t = TRANSITIONS[command];
  if (!t.from.includes(from)) throw new ConflictError(`A ${from} node cannot be ${t.action.toLowerCase()}`, { status: from });
  return { to: t.to, action: t.action };
}

// ---- input rules ------------------------------------------------------------------------------

export function parseKind(value: unknown, field: string): ServiceNodeKind {
  if (!KINDS.includes(value as ServiceNodeKind)) throw new BadInputError('Unknown service node kind', field);
  return value as ServiceNodeKind;
}

export function parseStatus(value: unknown, field: string): ServiceNodeStatus {
  if (!STATUSES.includes(value as ServiceNodeStatus)) throw new BadInputError('Status must be ACTIVE, SUSPENDED or CLOSED', field);
  return value as ServiceNodeStatus;
}

export function parseLocation(value: GeoPoint | null | undefined, field: string): GeoPoint | null {
  if (value === undefined || value === null) return null;
  const { lat, lng } = value;
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new BadInputError('Latitude must be between -90 and 90', `${field}.lat`);
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw new BadInputError('Longitude must be between -180 and 180', `${field}.lng`);
  // Offices of the network are in mainland China: refuse coordinates that are plainly elsewhere
  // (a swapped lat/lng pair is the usual mistake).
  if (lat < 3 || lat > 54 || lng < 73 || lng > 136) throw new BadInputError('Location lies outside mainland China', field);
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

const PHONE = /^(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8}(-[0-9]{1,6})?|400-?[0-9]{3}-?[0-9]{4})$/;
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,185}\.[A-Za-z]{2,24}$/;

export function parseContact(
  value: { phone?: string | null; email?: string | null } | null | undefined,
  field: string,
): NodeContact | null {
  if (value === undefined || value === null) return null;
  const phone = freeText(value.phone, `${field}.phone`, { max: 24, noAngleBrackets: true });
  if (phone !== null && !PHONE.test(phone.replace(/\s/g, ''))) {
    throw new BadInputError('Phone must be a mainland mobile, landline (0571-88886666) or 400 number', `${field}.phone`);
  }
  const email = freeText(value.email, `${field}.email`, { max: 254, noAngleBrackets: true });
  if (email !== null && !EMAIL.test(email)) throw new BadInputError('Not an e-mail address', `${field}.email`);
  if (phone === null && email === null) return null;
  return { phone: phone === null ? null : phone.replace(/\s/g, ''), email: email === null ? null : email.toLowerCase() };
}

const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export function parseOpeningHours(value: readonly OpeningHours[] | null | undefined, field: string): OpeningHours[] {
  if (value === undefined || value === null) return [];
  if (value.length > 14) throw new BadInputError('At most 14 opening-hour entries', field);
  return value.map((h, i) => {
    const days = [...new Set(h.days)];
    if (days.length === 0 || days.some((d) => !WEEKDAYS.includes(d))) {
      throw new BadInputError('Name one or more weekdays (MON…SUN)', `${field}.${i}.days`);
    }
    if (!HHMM.test(h.opens)) throw new BadInputError('Use HH:MM', `${field}.${i}.opens`);
    if (!HHMM.test(h.closes)) throw new BadInputError('Use HH:MM', `${field}.${i}.closes`);
    if (h.closes <= h.opens) throw new BadInputError('Closing time must be after opening time', `${field}.${i}.closes`);
    return { days: WEEKDAYS.filter((d) => days.includes(d)), opens: h.opens, closes: h.closes };
  });
}

export function parseServices(value: readonly string[] | null | undefined, field: string, kind: ServiceNodeKind): NodeService[] {
  if (value === undefined || value === null) return [...DEFAULT_SERVICES[kind]];
  const set = new Set(value);
  for (const s of set) if (!NODE_SERVICES.includes(s as NodeService)) throw new BadInputError('Unknown service', field);
  return NODE_SERVICES.filter((s) => set.has(s));
}

export function parseReason(value: string, field = 'reason'): string {
  return freeText(value, field, { max: 500, required: true, noAngleBrackets: true });
}
