import { decodeCursor, encodeCursor, pageSize, toConnection } from './pagination';
import { AppError } from './errors';

describe('pagination', () => {
  it('round-trips cursors', () => {
    const c = encodeCursor(['2026-01-01', 7]);
    expect(decodeCursor(c, 2)).toEqual(['2026-01-01', 7]);
  });

  it('rejects tampered or foreign cursors with BAD_USER_INPUT on `after`', () => {
    for (const bad of ['%%%', encodeCursor(['a']), Buffer.from('{"$gt":""}').toString('base64url'), 'x'.repeat(600)]) {
      try {
        decodeCursor(bad, 2);
        throw new Error('expected a rejection');
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe('BAD_USER_INPUT');
        expect((e as AppError).details.field).toBe('after');
      }
    }
  });

  it('bounds page sizes', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow(/between 1 and 100/);
    expect(() => pageSize(0)).toThrow();
    expect(() => pageSize(1.5)).toThrow();
  });

  it('builds a connection from limit + 1 rows', () => {
    const conn = toConnection([1, 2, 3], 2, 10, (n) => `c${n}`);
    expect(conn.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(conn.pageInfo).toEqual({ hasNextPage: true, endCursor: 'c2' });
    expect(conn.totalCount).toBe(10);
    expect(toConnection([], 2, 0, String).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
