import { MongoClient, type Collection, type Document, type FindOptions } from 'mongodb';
import { Registry } from 'prom-client';
import { LearnerAccountOpened, TOPICS, createEvent, dlqTopic, type OutgoingEvent } from '@creditbank/contracts';
import { silentLogger } from '@creditbank/logging';
import { createTestNamespace, eventually, publishRaw, tapTopics, testInfra } from '@creditbank/testing';
import {
  BULK_ABANDONED_MS,
  BULK_OUTBOX_MIN_DOCS,
  BULK_OUTBOX_CHUNKS,
  BULK_OUTBOX_HEADS,
  createBulkOutbox,
  createEventConsumer,
  createEventMetrics,
  createKafkaClient,
  createKafkaPublisher,
  createOutboxRelay,
  createOutboxSignal,
  ensureTopics,
  on,
  newOutboxWrite,
  packBulkOutboxEntries,
  relayBulkHeads,
  toOutboxEntry,
  outboxOnInsert,
  withOutbox,
  type BulkOutbox,
  type EventConsumer,
  type OutboxSignal,
} from '../src';

const ns = createTestNamespace();
const logger = silentLogger();
const kafka = createKafkaClient({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'events-test', logger });
const publisher = createKafkaPublisher(kafka, { topicPrefix: ns.topicPrefix });
let mongo: MongoClient;
let docs: Collection<Document>;
let inbox: Collection<Document>;
let effects: Collection<{ _id: string; n: number; ids: string[] }>;

function opened(n: number, overrides: Partial<Parameters<typeof createEvent<typeof LearnerAccountOpened.data>>[1]> = {}): OutgoingEvent {
  const accountNo = LearnerAccountOpened.example.accountNo;
  return createEvent(
    LearnerAccountOpened,
    { ...LearnerAccountOpened.example, accountNo, birthYear: 1950 + n, ...overrides },
    { province: '33', source: '/creditbank/test' },
  );
}

/**
 * The collection with its `find` replaced (how the relay sees a failing or slow database), and the
 * size its metadata reports (`$collStats`) if given.
 */
function withFind(
  collection: Collection<Document>,
  find: (filter: Document, options?: FindOptions) => { toArray(): Promise<Document[]> },
  reportedCount?: number,
): Collection<Document> {
  return new Proxy(collection, {
    get(target, prop, receiver) {
      if (prop === 'find') return find;
      if (prop === 'aggregate' && reportedCount !== undefined) return () => ({ toArray: async () => [{ count: reportedCount }] });
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `find` of the test collection with its full scans (reads not by `_id`) taking `ms` longer. */
const slowScans =
  (ms: number) =>
  (filter: Document, options?: FindOptions): { toArray(): Promise<Document[]> } => {
    const cursor = docs.find(filter, options);
    if (filter['_id'] !== undefined) return cursor;
    return { toArray: async () => (await new Promise((r) => setTimeout(r, ms)), cursor.toArray()) };
  };

beforeAll(async () => {
  mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const db = mongo.db(ns.dbName('events'));
  docs = db.collection('docs');
  inbox = db.collection('inbox');
  effects = db.collection<{ _id: string; n: number; ids: string[] }>('effects');
  await docs.createIndex({ _outboxCount: 1 });
  await ensureTopics(kafka, { topics: [TOPICS.account, TOPICS.outcome], prefix: ns.topicPrefix, partitions: 2 });
  await publisher.start();
});

afterAll(async () => {
  await publisher.stop();
  await mongo.close();
  await ns.cleanup();
});

describe('outbox relay', () => {
  it('publishes pending events in order and clears them, without losing concurrent additions', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    const signal = createOutboxSignal();
    const relay = createOutboxRelay({ collections: () => [docs], publisher, signal, logger, pollMs: 50 });
    const first = [opened(1), opened(2)];
    await docs.insertOne({ _id: 'a' as never, state: 1, ...outboxOnInsert(first) });
    await relay.start();
    // Writers keep adding events to the same document while the relay runs.
    const more: OutgoingEvent[] = [];
    for (let i = 3; i < 23; i++) {
      const e = opened(i);
      more.push(e);
      await docs.updateOne({ _id: 'a' as never }, withOutbox({ $set: { state: i } }, [e]));
      signal.notify();
    }
    const expected = [...first, ...more].map((e) => e.event.id);
    await eventually(() => expect(tap.events().map((e) => e.id)).toEqual(expect.arrayContaining(expected)), { timeoutMs: 20_000 });
    await relay.stop();
    const doc = await docs.findOne({ _id: 'a' as never });
    expect(doc?.['_outboxCount']).toBe(0);
    expect(Object.keys(doc?.['_outbox'] as object)).toEqual([]);
    // Per-key order: all events share one accountNo, so they sit on one partition in write order.
    const seen = tap
      .events()
      .map((e) => e.id)
      .filter((id) => expected.includes(id));
    expect(seen).toEqual(expected);
    expect(tap.messages[0]?.headers['content-type']).toContain('application/cloudevents+json');
    await tap.stop();
  });

  it('publishes a bulk insert and clears it in one statement, without losing a concurrent change', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    const write = newOutboxWrite();
    const rows = Array.from({ length: 300 }, (_, i) => ({ _id: `bulk-${i}` as never, n: i, ...outboxOnInsert([opened(i % 100)], write) }));
    await docs.insertMany(rows);
    const late = opened(99);
    const relay = createOutboxRelay({ collections: () => [docs], publisher, signal: createOutboxSignal(), logger, pollMs: 50 });
    await relay.start();
    // One document of the bulk write changes while the relay works: its new event must not be lost.
    await docs.updateOne({ _id: 'bulk-7' as never }, withOutbox({ $set: { n: -1 } }, [late]));
    const expected = [...rows.map((r) => Object.keys(r._outbox)[0]!), late.event.id];
    await eventually(() => expect(expected.filter((id) => !tap.events().some((e) => e.id === id))).toEqual([]), { timeoutMs: 20_000 });
    await eventually(async () =>
      expect(await docs.countDocuments({ _id: { $regex: '^bulk-' } as never, _outboxCount: { $gt: 0 } })).toBe(0),
    );
    await relay.stop();
    await tap.stop();
  });

  it('reads hinted writes by _id at once and leaves the rest to the periodic scan', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    const signal = createOutboxSignal();
    const relay = createOutboxRelay({ collections: () => [docs], publisher, signal, logger, pollMs: 60_000 });
    await relay.start();
    await relay.flush(); // the start-up scan is behind us: the next full scan is a minute away
    const elsewhere = opened(60); // written by another process: nobody signals it
    await docs.insertOne({ _id: 'unhinted' as never, ...outboxOnInsert([elsewhere]) });
    const local = opened(61);
    await docs.insertOne({ _id: 'hinted' as never, ...outboxOnInsert([local]) });
    signal.notify({ collection: docs.collectionName, ids: ['hinted'] });
    await eventually(() => expect(tap.events().map((e) => e.id)).toContain(local.event.id));
    expect(tap.events().map((e) => e.id)).not.toContain(elsewhere.event.id);
    expect((await docs.findOne({ _id: 'hinted' as never }))?.['_outboxCount']).toBe(0);
    await relay.flush(); // a full scan finds it
    await eventually(() => expect(tap.events().map((e) => e.id)).toContain(elsewhere.event.id));
    await relay.stop();
    await tap.stop();
  });

  it('a full scan that failed slowly (the database was down) does not hold the next one back', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    let down = false;
    // The collection as the relay sees it: while "down", every read fails after 1.5 s (a server-selection wait).
    const flaky = withFind(docs, (filter, options) =>
      down
        ? {
            toArray: async () => {
              await new Promise((r) => setTimeout(r, 1_500));
              throw Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' });
            },
          }
        : docs.find(filter, options),
    );
    const relay = createOutboxRelay({ collections: () => [flaky], publisher, signal: createOutboxSignal(), logger, pollMs: 100 });
    await relay.start();
    try {
      down = true;
      await expect(relay.flush()).rejects.toThrow(/Server selection/);
      down = false;
      // Written while the client saw an error (no hint): only a full scan finds it.
      const lost = opened(62);
      await docs.insertOne({ _id: 'lost-ack' as never, ...outboxOnInsert([lost]) });
      // Before the fix the failed scan's 1.5 s counted as its cost: no full scan for 15 s.
      await eventually(() => expect(tap.events().map((e) => e.id)).toContain(lost.event.id), { timeoutMs: 5_000 });
    } finally {
      down = false;
      await relay.stop();
      await tap.stop();
    }
  });

  it('publishes a hinted write before a full scan that is due, however slow the scan', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    const signal = createOutboxSignal();
    // The collection as a database without the index sees it: a full scan (a read not by _id) takes 3 s.
    const slowScan = withFind(docs, slowScans(3_000));
    const relay = createOutboxRelay({ collections: () => [slowScan], publisher, signal, logger, pollMs: 60_000 });
    await relay.start();
    try {
      await relay.flush(); // the start-up scans are behind us
      const local = opened(63);
      await docs.insertOne({ _id: 'before-scan' as never, ...outboxOnInsert([local]) });
      signal.notify(); // something without a hint: a full scan is due now
      signal.notify({ collection: docs.collectionName, ids: ['before-scan'] });
      const started = Date.now();
      await eventually(() => expect(tap.events().map((e) => e.id)).toContain(local.event.id), { timeoutMs: 10_000, intervalMs: 50 });
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await relay.stop();
      await tap.stop();
    }
  }, 30_000);

  it("publishes another process's write soon even when a scan is slowed by load", async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    // Every full scan takes 0.8 s (a small collection on a busy machine).
    const slowedScan = withFind(docs, slowScans(800));
    const relay = createOutboxRelay({ collections: () => [slowedScan], publisher, signal: createOutboxSignal(), logger, pollMs: 100 });
    await relay.start();
    try {
      await relay.flush(); // a 0.8 s scan of a few documents: the next one is due after the poll interval
      const seeded = opened(64); // a seed run by another process: no hint
      await docs.insertOne({ _id: 'seeded' as never, ...outboxOnInsert([seeded]) });
      // Spaced by fifty times the last scan's duration, it waited 40 s.
      await eventually(() => expect(tap.events().map((e) => e.id)).toContain(seeded.event.id), { timeoutMs: 7_000 });
    } finally {
      await relay.stop();
      await tap.stop();
    }
  }, 30_000);

  it('spaces out the slow scans of a large collection (a database without the index)', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    // 100,000 documents whose scan takes 0.5 s: the next scan is due 25 s later, not at once.
    const large = withFind(docs, slowScans(500), 100_000);
    const relay = createOutboxRelay({ collections: () => [large], publisher, signal: createOutboxSignal(), logger, pollMs: 100 });
    await relay.start();
    try {
      await relay.flush();
      const elsewhere = opened(65); // no hint: only a scan finds it
      await docs.insertOne({ _id: 'large-unhinted' as never, ...outboxOnInsert([elsewhere]) });
      await new Promise((r) => setTimeout(r, 3_000));
      expect(tap.events().map((e) => e.id)).not.toContain(elsewhere.event.id);
      await relay.flush();
      await eventually(() => expect(tap.events().map((e) => e.id)).toContain(elsewhere.event.id));
    } finally {
      await relay.stop();
      await tap.stop();
    }
  }, 30_000);

  it('publishes at start what a crashed process left pending', async () => {
    const tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
    const left = opened(40);
    await docs.insertOne({ _id: 'b' as never, ...outboxOnInsert([left]) });
    const relay = createOutboxRelay({ collections: () => [docs], publisher, signal: createOutboxSignal(), logger, pollMs: 50 });
    await relay.start();
    await eventually(() => expect(tap.events().map((e) => e.id)).toContain(left.event.id));
    await relay.stop();
    expect((await docs.findOne({ _id: 'b' as never }))?.['_outboxCount']).toBe(0);
    await tap.stop();
  });
});

describe('bulk outbox', () => {
  const db = () => mongo.db(ns.dbName('events'));
  const collection = (name: string) => db().collection(name);
  const ids = (events: readonly OutgoingEvent[]) => events.map((e) => e.event.id);
  // On their own topic: the consumer tests below read the account topic from its beginning.
  const event = (n: number): OutgoingEvent => ({ ...opened(n), topic: TOPICS.outcome });
  const tapBulk = () => tapTopics([ns.topicPrefix + TOPICS.outcome]);
  /** A started relay over `target` with the bulk outbox; with a long poll, its start-up scan already done. */
  async function bulkRelay(target: Collection<Document>, signal: OutboxSignal, bulk: BulkOutbox, pollMs = 60_000) {
    const relay = createOutboxRelay({ collections: () => [target], publisher, signal, logger, pollMs, bulk: { outbox: bulk, collection } });
    await relay.start();
    if (pollMs >= 60_000) await relay.flush(); // the next full scan is a minute away
    return relay;
  }

  it('publishes a bulk insert once, in order, without the duplicates, and leaves nothing behind', async () => {
    const target = db().collection('bulk_docs');
    await target.insertOne({ _id: 'dup-1' as never, n: -1 });
    const tap = await tapBulk();
    const signal = createOutboxSignal();
    const bulk = createBulkOutbox({ collection, signal });
    const relay = await bulkRelay(target, signal, bulk);
    const rows = Array.from({ length: 600 }, (_, i) => ({ _id: i === 7 ? 'dup-1' : `row-${i}`, n: i }));
    const eventsOf = new Map(rows.map((r) => [r._id, [event(r.n % 50), event((r.n + 1) % 50)]]));
    const { duplicates } = await bulk.insertMany(target, rows, (r) => eventsOf.get(r._id)!);
    expect(duplicates.map((d) => d._id)).toEqual(['dup-1']);
    const expected = rows.filter((r) => r._id !== 'dup-1').flatMap((r) => ids(eventsOf.get(r._id)!));
    // Published at once on the hint (the next full scan is a minute away), in write order.
    await eventually(() => expect(expected.filter((id) => !tap.events().some((e) => e.id === id))).toEqual([]), { timeoutMs: 20_000 });
    const seen = tap.events().map((e) => e.id);
    expect(seen.filter((id) => expected.includes(id))).toEqual(expected);
    expect(seen).not.toEqual(expect.arrayContaining(ids(eventsOf.get('dup-1')!)));
    expect(await target.countDocuments({ _bulkWrite: { $exists: true } })).toBe(599);
    await eventually(async () => expect(await collection(BULK_OUTBOX_HEADS).countDocuments()).toBe(0));
    expect(await collection(BULK_OUTBOX_CHUNKS).countDocuments()).toBe(0);
    await relay.stop();
    await tap.stop();
  });

  it('writes the events of a small insert into its documents (no head), duplicates refused', async () => {
    const target = db().collection('bulk_small');
    await target.insertOne({ _id: 's-dup' as never, n: -1 });
    const tap = await tapBulk();
    const signal = createOutboxSignal();
    const bulk = createBulkOutbox({ collection, signal });
    const rows = [
      { _id: 's-1', n: 1 },
      { _id: 's-dup', n: 2 },
      { _id: 's-2', n: 3 },
    ];
    const events = new Map(rows.map((r) => [r._id, event(100 + r.n)]));
    const { duplicates } = await bulk.insertMany(target, rows, (r) => [events.get(r._id)!]);
    expect(duplicates.map((d) => d._id)).toEqual(['s-dup']);
    expect(await collection(BULK_OUTBOX_HEADS).countDocuments()).toBe(0);
    expect((await target.findOne({ _id: 's-1' as never }))?.['_outboxCount']).toBe(1);
    const relay = await bulkRelay(target, signal, bulk);
    await eventually(() =>
      expect(tap.events().map((e) => e.id)).toEqual(expect.arrayContaining(ids([events.get('s-1')!, events.get('s-2')!]))),
    );
    expect(tap.events().map((e) => e.id)).not.toContain(events.get('s-dup')!.event.id);
    await relay.stop();
    await tap.stop();
  });

  it("holds a document's later events back until its bulk events are out", async () => {
    const target = db().collection('bulk_order');
    const tap = await tapBulk();
    const signal = createOutboxSignal();
    const bulk = createBulkOutbox({ collection, signal: createOutboxSignal() }); // the relay hears nothing of the head
    const relay = await bulkRelay(target, signal, bulk);
    const first = event(70);
    // Enough documents for a head (smaller inserts use the per-document outbox); o-1 carries the event.
    const docs = Array.from({ length: BULK_OUTBOX_MIN_DOCS }, (_, i) => ({ _id: `o-${i + 1}`, n: i + 1 }));
    await bulk.insertMany(target, docs, (d) => (d._id === 'o-1' ? [first] : []));
    expect(await collection(BULK_OUTBOX_HEADS).countDocuments()).toBe(1);
    const later = event(71);
    await target.updateOne({ _id: 'o-1' as never }, withOutbox({ $set: { n: 2 } }, [later]));
    signal.notify({ collection: target.collectionName, ids: ['o-1'] });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(tap.events().map((e) => e.id)).not.toContain(later.event.id); // held back: its head is still there
    await relay.flush(); // the full scan publishes the head, then lets the document go
    await eventually(() => expect(tap.events().map((e) => e.id)).toEqual(expect.arrayContaining([first.event.id, later.event.id])));
    const seen = tap
      .events()
      .map((e) => e.id)
      .filter((id) => id === first.event.id || id === later.event.id);
    expect(seen).toEqual([first.event.id, later.event.id]);
    await eventually(async () => expect((await target.findOne({ _id: 'o-1' as never }))?.['_outboxCount']).toBe(0));
    await relay.stop();
    await tap.stop();
  });

  it('recovers an abandoned head: publishes the events of exactly the documents that were stored', async () => {
    const target = db().collection('bulk_crash');
    const signal = createOutboxSignal();
    const bulk = createBulkOutbox({ collection, signal });
    // What a process that died after the chunks and half of the documents leaves behind.
    const write = newOutboxWrite();
    const events = Array.from({ length: 6 }, (_, i) => event(80 + i));
    await collection(BULK_OUTBOX_HEADS).insertOne({
      _id: write as never,
      collection: 'bulk_crash',
      chunks: 1,
      owner: 'another-process',
      sealed: false,
      excluded: [],
      at: new Date(),
    });
    await collection(BULK_OUTBOX_CHUNKS).insertOne({
      _id: `${write}:0` as never,
      entries: packBulkOutboxEntries(events.map((e, i) => ({ ...toOutboxEntry(e), doc: `c-${i}` }))),
    });
    await target.insertMany([0, 1, 2].map((i) => ({ _id: `c-${i}` as never, _bulkWrite: write })));
    const published: string[] = [];
    const source = { outbox: bulk, collection };
    const publish = async (entries: Array<{ id: string }>) => void published.push(...entries.map((e) => e.id));
    // Another process may still be working on it: nothing happens before it counts as abandoned.
    expect(await relayBulkHeads(source, publish, { ids: [write], limit: 10 })).toEqual({ published: 0, finished: [] });
    const later = Date.now() + BULK_ABANDONED_MS + 1_000;
    expect(await relayBulkHeads(source, publish, { ids: [write], limit: 10, now: later })).toEqual({ published: 3, finished: [write] });
    expect(published).toEqual(ids(events.slice(0, 3)));
    expect(await collection(BULK_OUTBOX_HEADS).countDocuments({ _id: write as never })).toBe(0);
    expect(await collection(BULK_OUTBOX_CHUNKS).countDocuments({ _id: `${write}:0` as never })).toBe(0);
  });

  it("recovers its own failed insert within seconds (the insert's outcome was in doubt)", async () => {
    const target = db().collection('bulk_failed');
    const tap = await tapBulk();
    const signal = createOutboxSignal();
    const bulk = createBulkOutbox({ collection, signal });
    // The documents are written, then the insert fails (as a lost acknowledgement would): no seal.
    const failing = new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === 'insertMany')
          return async (...args: Parameters<typeof t.insertMany>) => {
            await t.insertMany(...args);
            throw Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
          };
        const value: unknown = Reflect.get(t, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
    const lost = event(90);
    const docs = Array.from({ length: BULK_OUTBOX_MIN_DOCS }, (_, i) => ({ _id: `f-${i + 1}`, n: i + 1 }));
    await expect(bulk.insertMany(failing, docs, (d) => (d._id === 'f-1' ? [lost] : []))).rejects.toThrow(/connection closed/);
    expect(await target.countDocuments({ _outboxCount: { $gt: 0 } })).toBe(0); // its event is in the unsealed head
    const relay = await bulkRelay(target, signal, bulk, 500);
    await eventually(() => expect(tap.events().map((e) => e.id)).toContain(lost.event.id), { timeoutMs: 15_000 });
    await relay.stop();
    await tap.stop();
  });
});

describe('idempotent consumer', () => {
  let consumer: EventConsumer;
  const registry = new Registry();
  const metrics = createEventMetrics(registry);
  let failures = 0;
  let transient = 0;
  /** While true the dependency probe says the database is down, and 'outage' events fail unclassified. */
  let databaseDown = false;
  let outageFailures = 0;

  beforeAll(async () => {
    consumer = createEventConsumer({
      kafka,
      groupId: 'effects',
      topicPrefix: ns.topicPrefix,
      inbox: () => inbox,
      dlq: publisher,
      logger,
      metrics,
      maxAttempts: 3,
      retryBaseMs: 5,
      maxMessageBytes: 10_000,
      isTransient: (e) => (e as Error).message === 'transient',
      dependenciesHealthy: async () => !databaseDown,
      handlers: [
        on(LearnerAccountOpened, async (event) => {
          if (event.data.householdId === 'always-fails') {
            failures++;
            throw new Error('handler bug');
          }
          if (event.data.householdId === 'transient' && transient++ < 2) throw new Error('transient');
          if (event.data.householdId === 'outage' && databaseDown) {
            outageFailures++;
            throw Object.assign(new Error('an error nobody classified'), { code: 'EUNKNOWN' });
          }
          // A counter effect: applying an event twice would show.
          await effects.updateOne({ _id: 'count' }, { $inc: { n: 1 }, $push: { ids: event.id } }, { upsert: true });
        }),
      ],
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
  });

  it('applies each event once, even when delivered twice', async () => {
    const e = opened(1);
    const bytes = JSON.stringify(e.event);
    await publishRaw(ns.topicPrefix + TOPICS.account, [
      { key: e.key, value: bytes },
      { key: e.key, value: bytes },
    ]);
    await eventually(async () => expect((await effects.findOne({ _id: 'count' }))?.['ids']).toContain(e.event.id));
    const second = opened(2);
    await publishRaw(ns.topicPrefix + TOPICS.account, [
      { key: second.key, value: JSON.stringify(second.event) },
      { key: e.key, value: bytes },
    ]);
    await eventually(async () => expect((await effects.findOne({ _id: 'count' }))?.['ids']).toContain(second.event.id));
    const doc = await effects.findOne({ _id: 'count' });
    expect((doc?.['ids'] as string[]).filter((id) => id === e.event.id)).toHaveLength(1);
    expect(await inbox.countDocuments({ _id: { $regex: e.event.id } as never })).toBe(1);
  });

  it('dead-letters poison with the original bytes and the error, and keeps the partition moving', async () => {
    const dlqTap = await tapTopics([ns.topicPrefix + dlqTopic(TOPICS.account)]);
    const key = LearnerAccountOpened.example.accountNo; // same key → same partition as the good event after
    const invalid = { ...opened(3).event, data: { ...(opened(3).event.data as object), gender: 'UNKNOWN' } };
    const failing = opened(4, { householdId: 'always-fails' });
    const after = opened(5);
    await publishRaw(ns.topicPrefix + TOPICS.account, [
      { key, value: '{"not json' },
      { key, value: JSON.stringify(invalid) },
      { key, value: 'x'.repeat(20_000) },
      { key, value: JSON.stringify(failing.event), headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
      { key, value: JSON.stringify({ ...after.event, type: 'creditbank.learner.some-future-event.v1' }) },
      { key, value: JSON.stringify(after.event) },
    ]);
    await eventually(async () => expect((await effects.findOne({ _id: 'count' }))?.['ids']).toContain(after.event.id));
    await eventually(() => expect(dlqTap.messages).toHaveLength(4));
    const reasons = dlqTap.messages.map((m) => m.headers['dlq-reason']);
    expect(reasons).toEqual(['malformed', 'invalid', 'oversized', 'handler-failed']);
    expect(dlqTap.messages[0]!.raw?.toString()).toBe('{"not json');
    expect(dlqTap.messages[2]!.raw?.length).toBe(20_000);
    expect(dlqTap.messages[3]!.headers['dlq-error']).toContain('handler bug');
    expect(dlqTap.messages[3]!.headers['traceparent']).toBeDefined();
    expect(dlqTap.messages[3]!.key).toBe(key);
    expect(failures).toBe(3);
    const dlqMetric = await registry.getSingleMetricAsString('creditbank_events_dead_lettered_total');
    expect(dlqMetric).toMatch(/reason="malformed"[^\n]* 1/);
    await dlqTap.stop();
  });

  it('retries transient failures without dead-lettering', async () => {
    const e = opened(6, { householdId: 'transient' });
    await publishRaw(ns.topicPrefix + TOPICS.account, [{ key: e.key, value: JSON.stringify(e.event) }]);
    await eventually(async () => expect((await effects.findOne({ _id: 'count' }))?.['ids']).toContain(e.event.id), {
      timeoutMs: 40_000,
    });
    expect(transient).toBeGreaterThanOrEqual(3);
  });

  it('does not dead-letter a failure it cannot classify while the database is down: it retries until it is back', async () => {
    const dlqTap = await tapTopics([ns.topicPrefix + dlqTopic(TOPICS.account)]);
    databaseDown = true;
    const e = opened(7, { householdId: 'outage' });
    await publishRaw(ns.topicPrefix + TOPICS.account, [{ key: e.key, value: JSON.stringify(e.event) }]);
    // Past maxAttempts (3) at least twice over: each time the probe said "down", so the batch was retried.
    await eventually(() => expect(outageFailures).toBeGreaterThanOrEqual(6), { timeoutMs: 40_000 });
    databaseDown = false;
    await eventually(async () => expect((await effects.findOne({ _id: 'count' }))?.['ids']).toContain(e.event.id), {
      timeoutMs: 40_000,
    });
    const doc = await effects.findOne({ _id: 'count' });
    expect((doc?.['ids'] as string[]).filter((id) => id === e.event.id)).toHaveLength(1);
    expect(dlqTap.messages.filter((m) => m.raw?.toString().includes(e.event.id))).toEqual([]);
    await dlqTap.stop();
  });
});
