import { silentLogger } from '@creditbank/logging';
import { createTestNamespace, testInfra } from '@creditbank/testing';
import { Schema, createMongo, type MongoComponent } from '../src';

/**
 * The stalled-monitor remedy: the driver client is closed and a new one opened on the same mongoose
 * connection, and everything bound to the connection — models, `connection.collection()` wrappers and
 * `connection.db` read afresh — keeps working without a restart of the service.
 */
const ns = createTestNamespace();
let mongo: MongoComponent;

beforeAll(async () => {
  mongo = createMongo({ uri: testInfra().mongodbUri, dbName: `${ns.topicPrefix.replace(/\W/g, '')}_mongo`, logger: silentLogger() });
  mongo.connection.model('Thing', new Schema({ _id: String, n: Number }, { versionKey: false }));
  await mongo.start();
});

afterAll(async () => {
  await mongo.connection.db?.dropDatabase().catch(() => undefined);
  await mongo.stop();
});

it('replaces the driver client in place: models, collection wrappers and the native db keep working', async () => {
  const things = mongo.connection.model<{ _id: string; n: number }>('Thing');
  const raw = mongo.connection.collection('raw');
  await things.create({ _id: 'a', n: 1 });
  await raw.insertOne({ _id: 'r1' } as never);
  const before = mongo.connection.getClient();

  await mongo.replaceClient();

  expect(mongo.connection.getClient()).not.toBe(before);
  expect(await mongo.ready()).toBe(true);
  await things.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
  expect((await things.findById('a').lean())?.n).toBe(2);
  expect(await raw.countDocuments({})).toBe(1);
  expect(await mongo.connection.db!.collection('raw').countDocuments({})).toBe(1);
});
