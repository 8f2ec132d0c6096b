import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import { LOCAL_MONGODB_URI } from '@creditbank/config';
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

// The launcher writes the documents one updateMany changes in transactions of 1,000 (patched in
// deploy/local): a statement crossing those boundaries, with a condition, changes exactly the
// documents it matches.
it('applies an updateMany of 2,500 matching documents among 3,000, across transaction boundaries', async () => {
  const col = client.db(ns.dbName('atomicity')).collection<{ _id: string; g: number; v: number }>('many');
  await col.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: `m${String(i).padStart(4, '0')}`, g: i % 6 === 5 ? 1 : 0, v: 0 })));
  const ids = Array.from({ length: 3000 }, (_, i) => `m${String(i).padStart(4, '0')}`);
  const result = await col.updateMany({ _id: { $in: ids }, g: 0 }, { $inc: { v: 1 } });
  expect(result.matchedCount).toBe(2500);
  expect(result.modifiedCount).toBe(2500);
  expect(await col.countDocuments({ v: 1 })).toBe(2500);
  expect(await col.countDocuments({ g: 1, v: 0 })).toBe(500);
}, 60_000);

// The local FerretDB's SQLite databases do not checkpoint their write-ahead log at the end of
// commits (a reader holding an old snapshot made every later commit retry it); the launcher
// checkpoints them instead. Without it the log of a busy database would only grow.
const localDataDir =
  testInfra().mongodbUri === LOCAL_MONGODB_URI
    ? join(process.env['CREDITBANK_LOCAL_DIR'] ?? join(__dirname, '..', '..', '..', '.local'), 'ferretdb', 'data')
    : null;
(localDataDir ? it : it.skip)(
  'keeps the write-ahead log of a busy local database bounded (launcher checkpoints)',
  async () => {
    const dbName = ns.dbName('walcheck');
    const col = client.db(dbName).collection<{ _id: string; pad: string }>('pad');
    const wal = join(localDataDir!, `${dbName}.sqlite-wal`);
    const pad = 'x'.repeat(8_000);
    let largest = 0;
    // Five rounds of ~6 MB, each followed by a pause longer than the checkpoint interval (0.5 s).
    for (let round = 0; round < 5; round++) {
      await col.insertMany(Array.from({ length: 750 }, (_, i) => ({ _id: `r${round}-${i}`, pad })));
      largest = Math.max(largest, statSync(wal).size);
      await sleep(1_500);
    }
    // Without checkpoints the log would hold all ~30 MB; with them it is reused from its start.
    expect(largest).toBeLessThan(16 * 1024 * 1024);
    expect(await col.countDocuments()).toBe(3750);
  },
  60_000,
);

// The launcher looks a string field up in a set for long `$in` lists of strings (patched in
// deploy/local); other lists keep FerretDB's element-by-element comparison. Same answers either way.
it('answers $in over long lists as MongoDB does: strings, mixed types, array fields, regular expressions', async () => {
  const col = client.db(ns.dbName('atomicity')).collection<{ _id: string; code: unknown; tags?: string[] }>('in_lists');
  await col.insertMany([
    { _id: 'a', code: 'c-1', tags: ['t-1', 'x'] },
    { _id: 'b', code: 'c-2', tags: ['y'] },
    { _id: 'c', code: 7 },
    { _id: 'd', code: 'other' },
  ]);
  const strings = Array.from({ length: 40 }, (_, i) => `c-${i}`);
  const ids = async (filter: Record<string, unknown>) => (await col.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
  expect(await ids({ code: { $in: strings } })).toEqual(['a', 'b']);
  expect(await ids({ _id: { $in: [...strings, 'a', 'd'] } })).toEqual(['a', 'd']);
  expect(await ids({ code: { $in: [...strings, 7] } })).toEqual(['a', 'b', 'c']);
  expect(await ids({ tags: { $in: Array.from({ length: 30 }, (_, i) => `t-${i}`) } })).toEqual(['a']);
  expect(await ids({ code: { $in: [...strings.slice(5), /^oth/] } })).toEqual(['d']);
  expect(await ids({ code: { $nin: strings } })).toEqual(['c', 'd']);
});

// The launcher applies a bulk write of updates by distinct `_id`s (8 or more) with one read and a few
// transactions instead of one of each per statement (patched in deploy/local). These check it keeps
// MongoDB's semantics: conditions, operators, upserts, counts, and an ordered write's stop at an error.
describe('bulk writes of per-key updates', () => {
  type Doc = {
    _id: string;
    n?: number;
    v?: number;
    s?: string;
    m?: Record<string, number>;
    flag?: boolean;
    created?: boolean;
    tag?: string;
    code?: string;
  };
  const seeded = async (name: string) => {
    const col = client.db(ns.dbName('atomicity')).collection<Doc>(name);
    await col.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `k${i}`, n: 1, v: 1, s: 'text' })));
    return col;
  };
  const byId = async (col: Awaited<ReturnType<typeof seeded>>) =>
    Object.fromEntries((await col.find({}).sort({ _id: 1 }).toArray()).map(({ _id, ...rest }) => [_id, rest]));

  it('applies conditions, operators and upserts statement by statement, with MongoDB’s counts', async () => {
    const col = await seeded('per_key');
    const result = await col.bulkWrite(
      [
        ...[0, 1, 2, 3, 4].map((i) => ({
          updateOne: { filter: { _id: `k${i}` }, update: { $inc: { n: 1 }, $set: { [`m.a${i}`]: i } }, upsert: true },
        })),
        { updateOne: { filter: { _id: 'k5', v: 2 }, update: { $set: { flag: true } } } }, // condition fails: nothing
        { updateOne: { filter: { _id: 'k6', v: 1 }, update: { $set: { flag: true } } } },
        { updateOne: { filter: { _id: 'k7' }, update: { $set: { n: 1 } } } }, // matched, not modified
        ...[0, 1, 2].map((i) => ({
          updateOne: { filter: { _id: `new${i}` }, update: { $set: { n: 5 }, $setOnInsert: { created: true } }, upsert: true },
        })),
        { updateOne: { filter: { _id: 'new3', tag: 'x' }, update: { $inc: { n: 2 } }, upsert: true } },
        { updateOne: { filter: { _id: 'absent' }, update: { $set: { n: 9 } } } }, // no upsert: nothing
      ],
      { ordered: false },
    );
    expect(result.matchedCount).toBe(7);
    expect(result.modifiedCount).toBe(6);
    expect(result.upsertedCount).toBe(4);
    expect(Object.values(result.upsertedIds).sort()).toEqual(['new0', 'new1', 'new2', 'new3']);
    const docs = await byId(col);
    expect(docs['k0']).toEqual({ n: 2, v: 1, s: 'text', m: { a0: 0 } });
    expect(docs['k4']).toEqual({ n: 2, v: 1, s: 'text', m: { a4: 4 } });
    expect(docs['k5']).toEqual({ n: 1, v: 1, s: 'text' });
    expect(docs['k6']).toEqual({ n: 1, v: 1, s: 'text', flag: true });
    expect(docs['new0']).toEqual({ n: 5, created: true });
    expect(docs['new3']).toEqual({ tag: 'x', n: 2 });
    expect(docs['absent']).toBeUndefined();
    expect(Object.keys(docs)).toHaveLength(14);
  });

  it('stops an ordered write at a failing statement: those before applied, it and those after not', async () => {
    const col = await seeded('per_key_stop');
    const ops = [
      { updateOne: { filter: { _id: 'new0' }, update: { $set: { n: 7 } }, upsert: true } },
      ...[0, 1, 2].map((i) => ({ updateOne: { filter: { _id: `k${i}` }, update: { $inc: { n: 1 } } } })),
      // $inc of a string field: refused by the database (and by the driver's types, hence the cast).
      { updateOne: { filter: { _id: 'k3' }, update: { $inc: { s: 1 } } } } as unknown as AnyBulkWriteOperation<Doc>,
      ...[4, 5, 6, 7].map((i) => ({ updateOne: { filter: { _id: `k${i}` }, update: { $inc: { n: 1 } } } })),
      { updateOne: { filter: { _id: 'new1' }, update: { $set: { n: 7 } }, upsert: true } },
    ];
    await expect(col.bulkWrite(ops, { ordered: true })).rejects.toThrow(/\$inc|non-numeric/i);
    const docs = await byId(col);
    expect(docs['new0']).toEqual({ n: 7 });
    expect([0, 1, 2].map((i) => docs[`k${i}`]?.n)).toEqual([2, 2, 2]);
    expect(docs['k3']).toEqual({ n: 1, v: 1, s: 'text' });
    expect([4, 5, 6, 7].map((i) => docs[`k${i}`]?.n)).toEqual([1, 1, 1, 1]);
    expect(docs['new1']).toBeUndefined();
  });

  it('refuses an upsert whose condition an existing document fails (duplicate _id), after the statements before it', async () => {
    const col = await seeded('per_key_dup');
    const ops = [
      ...[0, 1, 2].map((i) => ({ updateOne: { filter: { _id: `new${i}` }, update: { $set: { n: 3 } }, upsert: true } })),
      ...[0, 1, 2, 3].map((i) => ({ updateOne: { filter: { _id: `k${i}` }, update: { $set: { flag: true } } } })),
      { updateOne: { filter: { _id: 'k8', v: 99 }, update: { $set: { n: 3 } }, upsert: true } },
      ...[3, 4].map((i) => ({ updateOne: { filter: { _id: `new${i}` }, update: { $set: { n: 3 } }, upsert: true } })),
    ];
    await expect(col.bulkWrite(ops, { ordered: true })).rejects.toMatchObject({ code: 11000 });
    const docs = await byId(col);
    expect(['new0', 'new1', 'new2'].map((id) => docs[id]?.n)).toEqual([3, 3, 3]);
    expect([0, 1, 2, 3].map((i) => docs[`k${i}`]?.flag)).toEqual([true, true, true, true]);
    expect(docs['k8']).toEqual({ n: 1, v: 1, s: 'text' });
    expect(docs['new3']).toBeUndefined();
  });

  it('refuses an upsert that breaks a unique index, after the statements before it', async () => {
    const col = client.db(ns.dbName('atomicity')).collection<Doc>('per_key_unique');
    await col.createIndex({ code: 1 }, { unique: true });
    await col.insertOne({ _id: 'taken', code: 'c5' });
    const ops = Array.from({ length: 10 }, (_, i) => ({
      updateOne: { filter: { _id: `u${i}` }, update: { $set: { code: `c${i}` } }, upsert: true },
    }));
    await expect(col.bulkWrite(ops, { ordered: true })).rejects.toMatchObject({ code: 11000 });
    expect(
      (
        await col
          .find({ _id: { $ne: 'taken' } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
  });
});
