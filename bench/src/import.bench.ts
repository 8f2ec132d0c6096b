import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { TOPICS, type OutgoingEvent } from '@creditbank/contracts';
import { idHash, makeResidentId, makeUscc } from '@creditbank/identity';
import { makeAccountNo } from '@creditbank/kernel';
import {
  catalogItemPublished,
  createTestNamespace,
  creditStandardPublished,
  levelTableRule,
  perHoursRule,
  eventually,
  institutionAccredited,
  institutionRegistered,
  learnerAccountOpened,
  publishRaw,
  serviceTestEnv,
  testInfra,
  tokens,
} from '@creditbank/testing';
import { main } from '@creditbank/outcome-service';
import { machine, memorySampler, writeSection } from './report';

/**
 * `npm run bench:import`: 100,000 generated rows through importOutcomes in 5,000-row batches, end to
 * end (HTTP + GraphQL, validation, matching by keyed hash, recognition, storage, events on Kafka),
 * against the raw insertMany rate of the same documents into the same database in the same run.
 * Goal: ≥ 0.5 of raw.
 */
const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);
const BATCH = 5_000;
/** Batches in flight at once, as `creditbank import` sends them by default (its --concurrency). */
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 2);
const LEARNERS = Math.min(10_000, Math.floor(ROWS / 10));
const INST = makeUscc('330106', 90909);

async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((s, o) => s + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Call `send` for every batch start below `total`, `inFlight` at a time. */
async function inBatches(total: number, inFlight: number, send: (start: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const start = next;
        next += BATCH;
        await send(start);
      }
    }),
  );
}

async function run(): Promise<void> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'outcome', { LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '10000', KAFKA_TOPIC_PARTITIONS: '3' });
  const service = await main(env);
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const db = mongo.db(env['MONGODB_DB']);
  const kafka = new Kafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  try {
    // The world the outcome service learns from events: catalogue, standard, an accredited institution, learners.
    const codes = ['VSC-ELEC-G5', 'VSC-ELEC-G4', 'VSC-COOK-G5', 'CE-TEA-101'];
    const setup: OutgoingEvent[] = [
      ...codes.map((code) =>
        catalogItemPublished({
          code,
          version: 1,
          supersedesVersion: null,
          title: code,
          type: code.startsWith('CE') ? 'NON_ACADEMIC' : 'VOCATIONAL',
          subtype: code.startsWith('CE') ? 'COMMUNITY_EDUCATION' : 'SKILL_CERTIFICATE',
          level: code.startsWith('CE') ? null : code.endsWith('G5') ? 1 : 2,
          track: null,
          field: null,
          hours: 36,
          standardCredits: 2,
          evidenceRequired: [],
          publishedAt: new Date().toISOString(),
          publishedBy: 'bench',
        }),
      ),
      creditStandardPublished({
        province: '33',
        version: 1,
        title: 'bench',
        effectiveFrom: new Date(Date.now() - 86_400_000).toISOString(),
        supersedesVersion: null,
        rules: [levelTableRule('VOCATIONAL', { 1: 4, 2: 6 }), perHoursRule('NON_ACADEMIC', 18, { maxPerOutcome: 4 })],
        itemRules: [],
        annualCaps: [{ type: 'NON_ACADEMIC', subtype: null, maxCredits: 10 }],
        publishedAt: new Date().toISOString(),
        publishedBy: 'bench',
      }),
      institutionRegistered({ code: INST, name: '基准测试学校', registeredAt: new Date().toISOString() }),
      institutionAccredited({
        institutionCode: INST,
        validUntil: new Date(Date.now() + 86_400_000 * 365).toISOString(),
        accreditedAt: new Date().toISOString(),
        accreditedBy: 'bench',
      }),
    ];
    // Distinct people: 1,000 sequence numbers per birth date, a new date every 1,000.
    const people = Array.from({ length: ROWS / 5 }, (_, i) =>
      makeResidentId(
        ['330106', '330108', '330782'][i % 3]!,
        new Date(Date.UTC(1955, 0, 1) + Math.floor(i / 1000) * 37 * 86_400_000).toISOString().slice(0, 10),
        i % 1000,
      ),
    );
    const learners = people.slice(0, LEARNERS).map((id, i) =>
      learnerAccountOpened({
        accountNo: makeAccountNo('33', i + 1),
        birthYear: 1970,
        householdId: null,
        nodeId: 'sn-1',
        idHash: idHash(id, env['ID_HASH_KEY']!),
        openedAt: new Date().toISOString(),
      }),
    );
    for (const [topic, list] of [
      [TOPICS.standards, setup.filter((e) => e.topic === TOPICS.standards)],
      [TOPICS.account, [...setup.filter((e) => e.topic === TOPICS.account), ...learners]],
    ] as const) {
      for (let i = 0; i < list.length; i += 1000)
        await publishRaw(
          ns.topicPrefix + topic,
          list.slice(i, i + 1000).map((e) => ({ key: e.key, value: JSON.stringify(e.event) })),
        );
    }
    process.stdout.write(`setup: waiting for ${LEARNERS} learners and the standards to reach the outcome service…\n`);
    await eventually(
      async () => {
        if ((await db.collection('learner_links').countDocuments()) < LEARNERS || !(await db.collection('accreditations').findOne({})))
          throw new Error('not yet');
      },
      { timeoutMs: 300_000, intervalMs: 1000 },
    );

    const rows = Array.from({ length: ROWS }, (_, i) => ({
      externalRef: `bench-${i}`,
      idNumber: people[i % people.length]!,
      name: '张三',
      type: codes[i % codes.length]!.startsWith('CE') ? 'NON_ACADEMIC' : 'VOCATIONAL',
      catalogItemCode: codes[i % codes.length]!,
      title: `培训 ${i}`,
      hours: 36,
      achievedAt: `20${10 + (i % 16)}-0${(i % 9) + 1}-1${i % 10}`,
    }));
    const topic = ns.topicPrefix + TOPICS.outcome;
    const before = await topicEnd(kafka, topic);
    const token = tokens.institutionAdmin(INST, '33');
    const mem = memorySampler();
    global.gc?.();
    const t0 = performance.now();
    let recognized = 0;
    let unclaimed = 0;
    const sendBatch = async (i: number): Promise<void> => {
      const res = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation($r: String!, $rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: $r, rows: $rows) { accepted rejected } }',
          variables: { r: `bench-${i}`, rows: rows.slice(i, i + BATCH) },
        }),
      });
      const body = (await res.json()) as { data?: { importOutcomes: { accepted: number; rejected: number } }; errors?: unknown };
      if (!body.data || body.data.importOutcomes.accepted !== Math.min(BATCH, ROWS - i))
        throw new Error(`batch ${i}: ${JSON.stringify(body)}`);
    };
    await inBatches(ROWS, IN_FLIGHT, sendBatch);
    const tStored = performance.now();
    // Expected from the generated data (a row is recognised when its person has an account); checked
    // against the database after the clock stops, so the benchmark's own counting is not timed.
    const expectRecognized = rows.filter((_, i) => i % people.length < LEARNERS).length;
    const expectedEvents = ROWS + expectRecognized + ROWS / BATCH;
    await eventually(
      async () => {
        if ((await topicEnd(kafka, topic)) - before < expectedEvents) throw new Error('events still in flight');
      },
      { timeoutMs: 600_000, intervalMs: 100 },
    );
    const t1 = performance.now();
    const memory = mem.stop();
    recognized = await db.collection('outcomes').countDocuments({ status: 'RECOGNIZED' });
    unclaimed = await db.collection('outcomes').countDocuments({ status: 'UNCLAIMED' });
    if (recognized !== expectRecognized) throw new Error(`expected ${expectRecognized} recognised outcomes, found ${recognized}`);

    // Raw: the same documents, inserted as they are, into the same database: once into a collection
    // with the same indexes as outcomes (the fair comparison, used for the ratio) and once with only _id.
    const docs = await db
      .collection('outcomes')
      .find({}, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0, _bulkWrite: 0 } })
      .toArray();
    const indexes = (await db.collection('outcomes').listIndexes().toArray()).filter((i) => i['name'] !== '_id_');
    const rawInsert = async (name: string, withIndexes: boolean, inFlight = 1): Promise<number> => {
      const raw = db.collection(name);
      await raw.drop().catch(() => undefined);
      if (withIndexes)
        for (const i of indexes)
          await raw.createIndex(i['key'] as Record<string, 1 | -1>, { unique: i['unique'] === true, name: i['name'] as string });
      global.gc?.();
      const r0 = performance.now();
      await inBatches(docs.length, inFlight, (i) => raw.insertMany(docs.slice(i, i + BATCH), { ordered: false }));
      const seconds = (performance.now() - r0) / 1000;
      await raw.drop();
      return seconds;
    };
    // Raw gets the same batches in flight as the pipeline, and one at a time; the ratio is against the faster.
    const rawSequentialSeconds = await rawInsert('outcomes_raw', true);
    const rawInFlightSeconds = IN_FLIGHT > 1 ? await rawInsert('outcomes_raw', true, IN_FLIGHT) : rawSequentialSeconds;
    const rawSeconds = Math.min(rawSequentialSeconds, rawInFlightSeconds);
    const bareSeconds = await rawInsert('outcomes_bare', false);

    const pipelineRate = ROWS / ((t1 - t0) / 1000);
    const storedRate = ROWS / ((tStored - t0) / 1000);
    const rawRate = docs.length / rawSeconds;
    const bareRate = docs.length / bareSeconds;
    const ratio = pipelineRate / rawRate;
    const lines = [
      `## Bulk import (\`npm run bench:import\`)`,
      '',
      `${ROWS.toLocaleString('en')} rows through \`importOutcomes\` in ${BATCH.toLocaleString('en')}-row batches, ${IN_FLIGHT} in flight (as \`creditbank import\` sends them), end to end: HTTP and GraphQL, validation against the import data standard, matching ${LEARNERS.toLocaleString('en')} known learners by keyed hash, recognition under the credit standard, storage, and every event on Kafka (${expectedEvents.toLocaleString('en')} events: deposited, recognised, batch completed). Compared with \`insertMany\` of the same ${docs.length.toLocaleString('en')} documents into the same database in the same run.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| pipeline, rows stored | ${Math.round(storedRate).toLocaleString('en')} rows/s |`,
      `| pipeline, rows stored and all events on Kafka | **${Math.round(pipelineRate).toLocaleString('en')} rows/s** (${((t1 - t0) / 1000).toFixed(1)} s) |`,
      `| raw insertMany of the same documents, same ${indexes.length} secondary indexes, one batch at a time | ${Math.round(docs.length / rawSequentialSeconds).toLocaleString('en')} rows/s (${rawSequentialSeconds.toFixed(1)} s) |`,
      ...(IN_FLIGHT > 1
        ? [
            `| the same, ${IN_FLIGHT} batches in flight | ${Math.round(docs.length / rawInFlightSeconds).toLocaleString('en')} rows/s (${rawInFlightSeconds.toFixed(1)} s) |`,
          ]
        : []),
      `| raw insertMany of the same documents, _id index only | ${Math.round(bareRate).toLocaleString('en')} rows/s (${bareSeconds.toFixed(1)} s) |`,
      `| ratio to the faster raw (goal ≥ 0.5) | **${ratio.toFixed(2)}** |`,
      `| outcomes recognised / unclaimed | ${recognized.toLocaleString('en')} / ${unclaimed.toLocaleString('en')} |`,
      `| peak RSS / heap of the benchmark process (service in-process) | ${memory.peakRssMiB} MiB / ${memory.peakHeapMiB} MiB |`,
      '',
      `Machine: ${machine()}; database: ${testInfra().mongodbUri.startsWith('mongodb://127.0.0.1:27117') ? 'local FerretDB 1.24 (SQLite) behind the write-serialising proxy' : 'the configured MONGODB_URI'}; Kafka 4.1 single node. Measured ${new Date().toISOString().slice(0, 10)}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('import', lines.join('\n'));
    if (ratio < 0.5) process.exitCode = 4;
  } finally {
    await service.runtime.stop();
    await mongo.close();
    await ns.cleanup();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
