import { GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode, type FragmentDefinitionNode } from 'graphql';

/**
 * A per-client token bucket over operations: every root field of an operation costs one token, so
 * aliases and batching cannot multiply what one HTTP request achieves. `perMinute` tokens refill
 * evenly over a minute, up to a burst of `perMinute`. In-memory, per process (each cluster worker
 * keeps its own buckets); idle clients are forgotten once the table holds `maxClients`.
 */
export interface RateLimiter {
  /** Takes `cost` tokens from `client`'s bucket; false (and nothing taken) when it has too few. */
  take(client: string, cost: number, now?: number): boolean;
  size(): number;
}

export function createRateLimiter(options: { perMinute: number; maxClients?: number }): RateLimiter {
  const rate = options.perMinute / 60_000;
  const maxClients = options.maxClients ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (b: { tokens: number; at: number }, now: number) => Math.min(options.perMinute, b.tokens + (now - b.at) * rate);
  return {
    take(client, cost, now = Date.now()) {
      let bucket = buckets.get(client);
      if (!bucket) {
        if (buckets.size >= maxClients) {
          for (const [key, b] of buckets) if (level(b, now) >= options.perMinute) buckets.delete(key);
          if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!);
        }
        bucket = { tokens: options.perMinute, at: now };
        buckets.set(client, bucket);
      }
      const tokens = level(bucket, now);
      bucket.at = now;
      if (tokens < cost) {
        bucket.tokens = tokens;
        return false;
      }
      bucket.tokens = tokens - cost;
      return true;
    },
    size: () => buckets.size,
  };
}

/** Root fields an operation executes (aliases included; fragments followed once). */
export function rootFieldCount(operation: OperationDefinitionNode, fragments: Readonly<Record<string, FragmentDefinitionNode>>): number {
  const seen = new Set<string>();
  const count = (set: SelectionSetNode): number => {
    let n = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) n += s.name.value === '__typename' ? 0 : 1;
      else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet);
      else if (!seen.has(s.name.value) && fragments[s.name.value]) {
        seen.add(s.name.value);
        n += count(fragments[s.name.value]!.selectionSet);
      }
    }
    return n;
  };
  return count(operation.selectionSet);
}

export function rateLimitedError(): GraphQLError {
  return new GraphQLError('Too many requests; please slow down', {
    extensions: { code: 'TOO_MANY_REQUESTS', http: { status: 429, headers: new Map([['retry-after', '60']]) } },
  });
}
