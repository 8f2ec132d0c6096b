import { createHash } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { testInfra, type TestNamespace } from '@creditbank/testing';

/**
 * Every collection of every database of a test namespace (all six services), as a count and a hash
 * of its documents in `_id` order: two equal snapshots mean nothing was stored, changed or deleted.
 */
export async function namespaceSnapshot(
  ns: TestNamespace,
  options: { ignoreFields?: readonly string[] } = {},
): Promise<Record<string, { count: number; hash: string }>> {
  const client = new MongoClient(testInfra().mongodbUri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    const out: Record<string, { count: number; hash: string }> = {};
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases.filter((d) => d.name.startsWith(`${ns.id}_`)).sort((a, b) => a.name.localeCompare(b.name))) {
      const db = client.db(name);
      const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
      for (const collection of collections) {
        const docs = await db.collection(collection).find({}).sort({ _id: 1 }).toArray();
        const hash = createHash('sha256');
        for (const d of docs) {
          for (const f of options.ignoreFields ?? []) delete d[f];
          hash.update(JSON.stringify(d));
        }
        out[`${name}.${collection}`] = { count: docs.length, hash: hash.digest('hex').slice(0, 16) };
      }
    }
    return out;
  } finally {
    await client.close();
  }
}
