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

/** A per-request DataLoader for one-to-many lookups (children of a parent, outcomes of a learner). */
export function groupedLoader<K extends string | number, V>(
  batch: (keys: readonly K[]) => Promise<readonly V[]>,
  groupKeyOf: (row: V) => K,
  options: { maxBatchSize?: number } = {},
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(
    async (keys) => {
      const rows = await batch(keys);
      const groups = new Map<K, V[]>();
      for (const row of rows) {
        const k = groupKeyOf(row);
        const list = groups.get(k);
        if (list) list.push(row);
        else groups.set(k, [row]);
      }
      return keys.map((k) => groups.get(k) ?? []);
    },
    { maxBatchSize: options.maxBatchSize ?? 500 },
  );
}

export { DataLoader };

type ResolverMapLike = Record<string, unknown>;

/** Merge resolver maps of several modules: fields of the same type are combined. */
export function mergeResolvers<T extends ResolverMapLike>(...maps: readonly T[]): T {
  const out: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const existing = out[typeName];
      if (existing && typeof existing === 'object' && fields && typeof fields === 'object') {
        for (const field of Object.keys(fields)) {
          if (field in existing) throw new Error(`resolver ${typeName}.${field} defined twice`);
        }
        out[typeName] = { ...existing, ...fields };
      } else {
        out[typeName] = fields;
      }
    }
  }
  return out as T;
}
