import { MongoClient } from 'mongodb';
import { createTestNamespace, testInfra } from '@creditbank/testing';

/**
 * The platform relies on MongoDB's single-document atomicity (outbox entries written with their
 * state change; conditional decrements for stock, capacity and balances). This checks the database
 * the tests run on actually provides it (FerretDB v1 does only behind our launcher's proxy).
 */
const ns = createTestNamespace();
let client: MongoClient;

beforeAll(async () => {
  client = await new MongoClient(testInfra().mongodbUri, { maxPoolSize: 20 }).connect();
});

afterAll(async () => {
  await client.close();
  await ns.cleanup();
});

it('applies concurrent updates of one document without losing any', async () => {
  const col = client.db(ns.dbName('atomicity')).collection<{ _id: string; n: number; m: Record<string, number> }>('counters');
  await col.insertOne({ _id: 'c', n: 0, m: {} });
  await Promise.all(Array.from({ length: 100 }, (_, i) => col.updateOne({ _id: 'c' }, { $inc: { n: 1 }, $set: { [`m.k${i}`]: i } })));
  const doc = await col.findOne({ _id: 'c' });
  expect(doc?.n).toBe(100);
  expect(Object.keys(doc?.m ?? {})).toHaveLength(100);
});

it('evaluates a conditional update and applies it as one step', async () => {
  const col = client.db(ns.dbName('atomicity')).collection<{ _id: string; stock: number }>('stock');
  await col.insertOne({ _id: 's', stock: 10 });
  const results = await Promise.all(
    Array.from({ length: 40 }, () => col.updateOne({ _id: 's', stock: { $gte: 1 } }, { $inc: { stock: -1 } })),
  );
  expect(results.reduce((n, r) => n + r.modifiedCount, 0)).toBe(10);
  expect((await col.findOne({ _id: 's' }))?.stock).toBe(0);
});

// FerretDB 1.24 held one pooled SQLite connection per update statement until the whole command
// returned, so a bulk write of 100+ updates waited forever (patched in deploy/local; see its README).
it('applies a bulk write of 300 updates of existing documents', async () => {
  const col = client.db(ns.dbName('atomicity')).collection<{ _id: string; v: number }>('bulk');
  await col.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `d${i}`, v: 0 })));
  const result = await col.bulkWrite(
    Array.from({ length: 300 }, (_, i) => ({ updateOne: { filter: { _id: `d${i}` }, update: { $set: { v: i + 1 } }, upsert: true } })),
    { ordered: false },
  );
  expect(result.modifiedCount).toBe(300);
  expect((await col.findOne({ _id: 'd299' }))?.v).toBe(300);
}, 30_000);
