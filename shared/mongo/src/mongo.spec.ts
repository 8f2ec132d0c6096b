import { createHeartbeatWatch, duplicateKeyIndexes, isDuplicateKeyError, isTransientDatabaseError } from './mongo';

describe('isDuplicateKeyError', () => {
  it('recognises MongoDB and FerretDB unique-index violations', () => {
    expect(isDuplicateKeyError({ code: 11000, message: 'E11000 duplicate key error' })).toBe(true);
    expect(isDuplicateKeyError({ code: 1, message: 'UNIQUE constraint failed: x.y' })).toBe(true);
  });

  it('does not mistake other errors for duplicates', () => {
    expect(isDuplicateKeyError({ code: 1, message: 'something else' })).toBe(false);
    expect(isDuplicateKeyError(new Error('E11000'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('E11000')).toBe(false);
  });
});

describe('duplicateKeyIndexes', () => {
  it('lists the refused documents when every refusal is a duplicate key (MongoDB or FerretDB)', () => {
    const error = {
      name: 'MongoBulkWriteError',
      writeErrors: [
        { index: 3, code: 11000, errmsg: 'E11000 duplicate key error' },
        { index: 7, code: 1, errmsg: 'UNIQUE constraint failed: outcomes.importKey' },
      ],
    };
    expect(duplicateKeyIndexes(error)).toEqual([3, 7]);
    expect(duplicateKeyIndexes({ writeErrors: { index: 0, code: 11000 } })).toEqual([0]);
  });

  it('is null for any other failure', () => {
    expect(
      duplicateKeyIndexes({
        writeErrors: [
          { index: 0, code: 11000 },
          { index: 1, code: 121, errmsg: 'validation' },
        ],
      }),
    ).toBeNull();
    expect(duplicateKeyIndexes({ name: 'MongoNetworkError' })).toBeNull();
    expect(duplicateKeyIndexes({ writeErrors: [] })).toBeNull();
    expect(duplicateKeyIndexes(null)).toBeNull();
  });
});

describe('isTransientDatabaseError', () => {
  it('treats network and selection failures as transient only', () => {
    expect(isTransientDatabaseError({ name: 'MongoNetworkTimeoutError' })).toBe(true);
    expect(isTransientDatabaseError({ name: 'MongoServerError', code: 11000 })).toBe(false);
  });

  it("counts mongoose's buffering timeout (disconnected) and wrapped causes as transient", () => {
    const buffering = { name: 'MongooseError', message: 'Operation `learners.insertOne()` buffering timed out after 10000ms' };
    expect(isTransientDatabaseError(buffering)).toBe(true);
    expect(isTransientDatabaseError({ name: 'MongooseError', message: 'Cast to ObjectId failed' })).toBe(false);
    expect(isTransientDatabaseError(new Error('while storing', { cause: { name: 'MongoPoolClearedError' } }))).toBe(true);
    expect(isTransientDatabaseError(new Error('plain'))).toBe(false);
  });

  it('counts socket errors of a closing connection, retryable server codes and labels, and nothing else', () => {
    expect(isTransientDatabaseError({ code: 'EPIPE' })).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientDatabaseError({ name: 'MongoServerError', code: 91, message: 'The server is in quiesce mode' })).toBe(true);
    expect(isTransientDatabaseError({ name: 'MongoServerError', code: 2, errorLabels: ['RetryableWriteError'] })).toBe(true);
    expect(isTransientDatabaseError({ name: 'MongoServerError', code: 2, errorLabels: [] })).toBe(false);
    expect(isTransientDatabaseError({ name: 'ValidationError', code: 91 })).toBe(false);
    expect(isTransientDatabaseError({ code: 'ENOENT' })).toBe(false);
  });

  it('looks inside a bulk write error and a value graphql-js wrapped', () => {
    const network = { name: 'MongoNetworkError', message: 'connection 4 to 127.0.0.1:27117 closed' };
    expect(isTransientDatabaseError({ name: 'MongoBulkWriteError', errorResponse: network })).toBe(true);
    const duplicate = { message: 'E11000', code: 11000, writeErrors: [] };
    expect(isTransientDatabaseError({ name: 'MongoBulkWriteError', code: 11000, errorResponse: duplicate })).toBe(false);
    expect(isTransientDatabaseError({ name: 'NonErrorThrown', thrownValue: { code: 'EPIPE' } })).toBe(true);
  });
});

describe('createHeartbeatWatch', () => {
  it('reports a check that has run for the stall time, per server, and forgets finished ones', () => {
    const w = createHeartbeatWatch(20_000);
    expect(w.stalled(0)).toBe(false);
    w.started('a:27017', 1_000);
    w.started('a:27017', 6_000); // a second start while one is in progress keeps the first time
    w.started('b:27017', 2_000);
    w.finished('b:27017'); // another server's check ending does not hide a's
    expect(w.stalled(20_999)).toBe(false);
    expect(w.stalled(21_000)).toBe(true);
    w.finished('a:27017');
    expect(w.stalled(60_000)).toBe(false);
    w.started('a:27017', 60_000);
    expect(w.stalled(70_000)).toBe(false);
    w.finished();
    expect(w.stalled(90_000)).toBe(false);
  });
});
