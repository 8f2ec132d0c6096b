import { BadInputError, freeText } from '@creditbank/kernel';

/** A local lifelong-learning project (地方特色终身教育学习项目) published by a sub-centre or intake point. */
export type LearningProjectStatus = 'PUBLISHED' | 'CANCELLED';

export interface LearningProject {
  id: string;
  nodeId: string;
  province: string;
  /** The publishing node's division (filters by region). */
  adminDivision: string;
  /** The publishing node and every node above it (filters by subtree). */
  nodePath: string[];
  title: string;
  description: string | null;
  catalogItemCode: string | null;
  startsAt: Date;
  endsAt: Date | null;
  venue: string | null;
  capacity: number;
  /** Account numbers holding a seat; never more than `capacity`. */
  enrolled: string[];
  status: LearningProjectStatus;
  statusReason: string | null;
  publishedAt: Date;
  publishedBy: string;
  version: number;
}

export const MAX_CAPACITY = 1000;
export const CATALOG_ITEM_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/;

export interface ProjectDraft {
  title: string;
  description: string | null;
  catalogItemCode: string | null;
  startsAt: Date;
  endsAt: Date | null;
  venue: string | null;
  capacity: number;
}

function parseTime(value: string, field: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw new BadInputError('Must be an ISO-8601 date or date-time with a zone', field);
  }
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00+08:00` : value);
  if (Number.isNaN(ms)) throw new BadInputError('Not a valid date', field);
  return new Date(ms);
}

/** Validate a project as published: a real schedule in the future (within two years), a sane capacity. */
export function parseProjectDraft(
  input: {
    title: string;
    description?: string | null;
    catalogItemCode?: string | null;
    startsAt: string;
    endsAt?: string | null;
    venue?: string | null;
    capacity: number;
  },
  now: Date,
): ProjectDraft {
  const title = freeText(input.title, 'input.title', { min: 2, max: 100, required: true, noAngleBrackets: true });
  const description = freeText(input.description, 'input.description', { max: 2000, noAngleBrackets: true });
  const venue = freeText(input.venue, 'input.venue', { max: 200, noAngleBrackets: true });
  let catalogItemCode: string | null = null;
  if (input.catalogItemCode !== undefined && input.catalogItemCode !== null && input.catalogItemCode.trim() !== '') {
    catalogItemCode = input.catalogItemCode.trim();
    if (!CATALOG_ITEM_CODE.test(catalogItemCode)) throw new BadInputError('Not a catalogue item code', 'input.catalogItemCode');
  }
  const startsAt = parseTime(input.startsAt, 'input.startsAt');
  if (startsAt.getTime() < now.getTime() - 24 * 3600_000) throw new BadInputError('A project cannot start in the past', 'input.startsAt');
  if (startsAt.getTime() > now.getTime() + 2 * 366 * 24 * 3600_000) {
    throw new BadInputError('A project must start within two years', 'input.startsAt');
  }
  const endsAt = input.endsAt ? parseTime(input.endsAt, 'input.endsAt') : null;
  if (endsAt && endsAt.getTime() < startsAt.getTime()) throw new BadInputError('A project cannot end before it starts', 'input.endsAt');
  if (endsAt && endsAt.getTime() - startsAt.getTime() > 366 * 24 * 3600_000) {
    throw new BadInputError('A project lasts at most one year', 'input.endsAt');
  }
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > MAX_CAPACITY) {
    throw new BadInputError(`Capacity must be an integer between 1 and ${MAX_CAPACITY}`, 'input.capacity');
  }
  return { title, description, catalogItemCode, startsAt, endsAt, venue, capacity: input.capacity };
}

/** Enrolment is open while the project is published and has not ended (or, without an end, started). */
export function enrolmentOpen(p: Pick<LearningProject, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  return p.status === 'PUBLISHED' && now.getTime() <= (p.endsAt ?? p.startsAt).getTime();
}
