import DataLoader from 'dataloader';

/**
 * A per-request DataLoader over a batch lookup that returns rows in any order: results come back in
 * key order, `null` for keys with no row (e.g. another province's entity, which must look missing).
 */
export function keyedLoader<K extends string | number, V>(
  batch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
  options: { maxBatchSize?: number } = {},
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(
    async (keys) => {
      const rows = await batch(keys);
      const byKey = new Map<K, V>();
      for (const row of rows) byKey.set(keyOf(row), row);
      return keys.map((k) => byKey.get(k) ?? null);
    },
    { maxBatchSize: options.maxBatchSize ?? 500 },
  );
}

export { DataLoader };
