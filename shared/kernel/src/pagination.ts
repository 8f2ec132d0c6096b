import { BadInputError } from './errors';

/** Relay-style connection shapes shared by every list in the graph. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (first === undefined || first === null) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new BadInputError(`first must be an integer between 1 and ${max}`, 'first');
  }
  return first;
}

/** Cursors are opaque to clients: base64url of a small JSON array of sort-key values. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  if (cursor.length > 512) throw new BadInputError('after is not a valid cursor', 'after');
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === arity && parsed.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return parsed as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new BadInputError('after is not a valid cursor', 'after');
}

/** Build a connection from one page fetched with `limit + 1` rows. */
export function toConnection<T>(rows: readonly T[], limit: number, totalCount: number, cursorOf: (row: T) => string): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null },
    totalCount,
  };
}
