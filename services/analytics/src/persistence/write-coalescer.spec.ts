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
});
