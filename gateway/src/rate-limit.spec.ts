import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { createRateLimiter, rootFieldCount } from './rate-limit';

describe('createRateLimiter', () => {
  it('allows a burst of perMinute tokens, then refuses until they refill', () => {
    const limiter = createRateLimiter({ perMinute: 60 });
    expect(limiter.take('a', 60, 0)).toBe(true);
    expect(limiter.take('a', 1, 0)).toBe(false);
    expect(limiter.take('b', 1, 0)).toBe(true); // per client
    expect(limiter.take('a', 1, 999)).toBe(false);
    expect(limiter.take('a', 1, 1_000)).toBe(true); // one token a second
    expect(limiter.take('a', 5, 60_000)).toBe(true);
  });

  it('takes nothing from a refused request', () => {
    const limiter = createRateLimiter({ perMinute: 10 });
    expect(limiter.take('a', 8, 0)).toBe(true);
    expect(limiter.take('a', 5, 0)).toBe(false);
    expect(limiter.take('a', 2, 0)).toBe(true);
  });

  it('keeps at most maxClients buckets', () => {
    const limiter = createRateLimiter({ perMinute: 10, maxClients: 3 });
    for (const c of ['a', 'b', 'c', 'd', 'e']) limiter.take(c, 1, 0);
    expect(limiter.size()).toBe(3);
  });
});

describe('rootFieldCount', () => {
  const count = (source: string) => {
    const doc = parse(source);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = Object.fromEntries(
      doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
    );
    return rootFieldCount(op, fragments);
  };

  it('counts aliases and fragments, not __typename', () => {
    expect(count('{ a: x b: x __typename }')).toBe(2);
    expect(count('{ ...F ... on Query { c: x } } fragment F on Query { a: x b: y }')).toBe(3);
  });
});
