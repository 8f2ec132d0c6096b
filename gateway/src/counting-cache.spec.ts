import { Registry } from 'prom-client';
import { cacheHitRate, createCacheMetrics, createCountingCache } from './counting-cache';

describe('createCountingCache', () => {
  it('counts hits and misses and keeps at most maxEntries, least recently used out first', async () => {
    const cache = createCountingCache<string>({ maxEntries: 2 });
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', 'A');
    await cache.set('b', 'B');
    expect(await cache.get('a')).toBe('A'); // a is now the most recently used
    await cache.set('c', 'C'); // evicts b
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('c')).toBe('C');
    expect(cache.stats()).toEqual({ hits: 2, misses: 2, entries: 2, evictions: 1 });
    expect(await cache.delete('a')).toBe(true);
    expect(cache.stats().entries).toBe(1);
  });
});

describe('cache metrics', () => {
  it('exposes lookups by cache and result, and the hit rate can be read back from the exposition', async () => {
    const registry = new Registry();
    const metrics = createCacheMetrics(registry);
    const plans = metrics.cache<string>('query_plan', 10);
    const docs = metrics.cache<string>('document', 10);
    await plans.get('q');
    await plans.set('q', 'plan');
    await plans.get('q');
    await plans.get('q');
    await docs.get('d');
    const text = await registry.metrics();
    expect(text).toMatch(/creditbank_gateway_cache_entries\{cache="query_plan"\} 1/);
    expect(cacheHitRate(text, 'query_plan')).toEqual({ hits: 2, misses: 1, rate: 2 / 3 });
    expect(cacheHitRate(text, 'document')).toEqual({ hits: 0, misses: 1, rate: 0 });
  });

  it('has no rate before any lookup', () => {
    expect(cacheHitRate('', 'document')).toEqual({ hits: 0, misses: 0, rate: null });
  });
});
