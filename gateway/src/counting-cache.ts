import { Counter, Gauge, type Registry } from 'prom-client';

/** The KeyValueCache shape Apollo Server (documentStore) and the query planner (cache) accept. */
export interface KeyValueCache<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  evictions: number;
}

export interface CountingCache<V> extends KeyValueCache<V> {
  stats(): CacheStats;
  clear(): void;
}

/**
 * A bounded LRU (by entry count: plans and parsed documents of one operation are similar in size and
 * a count is cheap to enforce, unlike Apollo's default per-set JSON size estimate) that counts hits
 * and misses, so the hit rate of the query-plan and document caches can be watched in production.
 */
export function createCountingCache<V>(options: { maxEntries: number; onLookup?: (hit: boolean) => void }): CountingCache<V> {
  const map = new Map<string, V>();
  const stats: CacheStats = { hits: 0, misses: 0, entries: 0, evictions: 0 };
  return {
    async get(key) {
      const value = map.get(key);
      if (value === undefined) {
        stats.misses += 1;
        options.onLookup?.(false);
        return undefined;
      }
      stats.hits += 1;
      options.onLookup?.(true);
      // Most recently used last: re-insert only when not already last would need a peek; a delete and
      // set on a Map is O(1).
      map.delete(key);
      map.set(key, value);
      return value;
    },
    async set(key, value) {
      if (map.has(key)) map.delete(key);
      map.set(key, value);
      while (map.size > options.maxEntries) {
        const oldest = map.keys().next().value as string;
        map.delete(oldest);
        stats.evictions += 1;
      }
      stats.entries = map.size;
    },
    async delete(key) {
      const had = map.delete(key);
      stats.entries = map.size;
      return had;
    },
    stats: () => ({ ...stats, entries: map.size }),
    clear() {
      map.clear();
      stats.entries = 0;
    },
  };
}

export type GatewayCacheName = 'query_plan' | 'document';

/** Prometheus counters of cache lookups by cache and result, and the number of entries. */
export function createCacheMetrics(registry: Registry) {
  const lookups = new Counter({
    name: 'creditbank_gateway_cache_lookups_total',
    help: 'Gateway cache lookups by cache (query_plan, document) and result (hit, miss)',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
  const caches = new Map<GatewayCacheName, CountingCache<unknown>>();
  new Gauge({
    name: 'creditbank_gateway_cache_entries',
    help: 'Entries in a gateway cache',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [name, cache] of caches) this.set({ cache: name }, cache.stats().entries);
    },
  });
  return {
    cache<V>(name: GatewayCacheName, maxEntries: number): CountingCache<V> {
      const hit = lookups.labels({ cache: name, result: 'hit' });
      const miss = lookups.labels({ cache: name, result: 'miss' });
      const cache = createCountingCache<V>({ maxEntries, onLookup: (h) => (h ? hit.inc() : miss.inc()) });
      caches.set(name, cache as CountingCache<unknown>);
      return cache;
    },
  };
}

/** Hit rate of a cache from a Prometheus text exposition (used by the benchmark and operators). */
export function cacheHitRate(metricsText: string, cache: GatewayCacheName): { hits: number; misses: number; rate: number | null } {
  const read = (result: 'hit' | 'miss') => {
    let total = 0;
    const re = new RegExp(`^creditbank_gateway_cache_lookups_total\\{([^}]*)\\}\\s+([0-9.eE+-]+)`, 'gm');
    for (const m of metricsText.matchAll(re)) {
      const labels = m[1] ?? '';
      if (labels.includes(`cache="${cache}"`) && labels.includes(`result="${result}"`)) total += Number(m[2]);
    }
    return total;
  };
  const hits = read('hit');
  const misses = read('miss');
  return { hits, misses, rate: hits + misses > 0 ? hits / (hits + misses) : null };
}
