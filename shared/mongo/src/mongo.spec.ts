import { isDuplicateKeyError, isTransientDatabaseError } from './mongo';

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
});
