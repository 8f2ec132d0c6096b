import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { createWriteCoalescer, type KeyedDocument } from './write-coalescer';

/** A stand-in for the driver's collection that records bulk writes and fails chosen indexes. */
function recordingCollection(fail: Array<{ index: number; code: number; errmsg: string }> = []) {
  const calls: Array<Array<AnyBulkWriteOperation<KeyedDocument>>> = [];
  const collection = {
    async bulkWrite(ops: Array<AnyBulkWriteOperation<KeyedDocument>>) {
      calls.push(ops);
      if (fail.length) throw Object.assign(new Error('bulk write failed'), { writeErrors: fail });
      return {};
    },
  } as unknown as Collection<KeyedDocument>;
  return { collection, calls };
}

const op = (id: string): AnyBulkWriteOperation<KeyedDocument> => ({
  updateOne: { filter: { _id: id }, update: { $set: { v: 1 } }, upsert: true },
});

describe('write coalescer', () => {
  it('sends the writes of one tick as one bulkWrite per collection', async () => {
    const c = createWriteCoalescer();
    const a = recordingCollection();
    const b = recordingCollection();
    await Promise.all([c.write(a.collection, op('1')), c.write(a.collection, op('2')), c.write(b.collection, op('3'))]);
    expect(a.calls).toHaveLength(1);
    expect(a.calls[0]).toHaveLength(2);
    expect(b.calls).toHaveLength(1);
    await c.write(a.collection, op('4'));
    expect(a.calls).toHaveLength(2);
  });

  it('reports each caller its own result: a duplicate key is success only where asked', async () => {
    const c = createWriteCoalescer();
    const dup = { code: 11000, errmsg: 'E11000 duplicate key' };
    const { collection } = recordingCollection([
      { index: 1, ...dup },
      { index: 2, ...dup },
      { index: 3, code: 2, errmsg: 'bad value' },
    ]);
    const results = await Promise.allSettled([
      c.write(collection, op('ok')),
      c.write(collection, op('newer-stored'), true),
      c.write(collection, op('dup'), false),
      c.write(collection, op('bad')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('merges plain sets of one document into one operation, later fields winning; each caller resolves', async () => {
    const c = createWriteCoalescer();
    const a = recordingCollection();
    const set = (id: string, fields: Record<string, unknown>): AnyBulkWriteOperation<KeyedDocument> => ({
      updateOne: { filter: { _id: id }, update: { $set: fields }, upsert: true },
    });
    await Promise.all([
      c.write(a.collection, set('o1', { province: '33', deposited: { at: 1 } })),
      c.write(a.collection, set('o2', { province: '33' })),
      c.write(a.collection, set('o1', { province: '44', recognized: { credits: 2 } })),
      // conflicts with `deposited` (a path under it): kept as its own operation, after the first
      c.write(a.collection, set('o1', { 'deposited.at': 3 })),
      // merges into the latest operation of o1, not the first: order of writes to a document kept
      c.write(a.collection, set('o1', { deposited: { at: 5 } })),
      // conditional writes are never merged, and later sets are not moved before them
      c.write(
        a.collection,
        { updateOne: { filter: { _id: 'o2', $or: [{ at: { $lt: 2 } }] }, update: { $set: { at: 2 } }, upsert: true } },
        true,
      ),
      c.write(a.collection, set('o2', { at: 1 })),
    ]);
    expect(a.calls).toHaveLength(1);
    expect(a.calls[0]).toEqual([
      set('o1', { province: '44', deposited: { at: 1 }, recognized: { credits: 2 } }),
      set('o2', { province: '33' }),
      set('o1', { 'deposited.at': 3 }),
      set('o1', { deposited: { at: 5 } }),
      { updateOne: { filter: { _id: 'o2', $or: [{ at: { $lt: 2 } }] }, update: { $set: { at: 2 } }, upsert: true } },
      set('o2', { at: 1 }),
    ]);
  });

  it('a failed merged operation fails every caller it carries', async () => {
    const c = createWriteCoalescer();
    const { collection } = recordingCollection([{ index: 0, code: 2, errmsg: 'bad value' }]);
    const results = await Promise.allSettled([c.write(collection, op('x')), c.write(collection, op('x')), c.write(collection, op('y'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});
