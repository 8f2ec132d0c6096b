import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { LearnerAccountOpened, OutcomeDeposited, OutcomeRecognized, createEvent, type OutgoingEvent } from '@creditbank/contracts';
import { makeAccountNo } from '@creditbank/kernel';
import { createTestNamespace, eventually, serviceTestEnv, testInfra } from '@creditbank/testing';
import { main } from '@creditbank/analytics-service';
import { machine, memorySampler, writeSection } from './report';

/**
 * `npm run bench:analytics`: sustained event load through Kafka into the analytics read models.
 * Phase 1 publishes RATE events/s for SECONDS seconds (learners opening accounts, outcomes deposited
 * and recognised) and reads the event-to-read-model lag the service itself measures (its /metrics);
 * phase 2 publishes a backlog as fast as possible and measures how many events/s the consumer
 * applies. Goal: p95 lag ≤ 1 s at 500 events/s.
 */
const RATE = Number(process.env['BENCH_RATE'] ?? 500);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const BURST = Number(process.env['BENCH_BURST'] ?? 20_000);
const meta = (province: string, producer: string) => ({ province, source: `/creditbank/${producer}` });
const CODES = ['VSC-ELEC-G5', 'VSC-ELEC-G4', 'VSC-COOK-G5', 'CE-TEA-101'];

let serial = 1;
/** One learner and two recognised outcomes: five events. */
function learnerWithOutcomes(): OutgoingEvent[] {
  const accountNo = makeAccountNo('33', 500_000 + serial++);
  const now = new Date().toISOString();
  const events: OutgoingEvent[] = [
    createEvent(
      LearnerAccountOpened,
      {
        accountNo,
        province: '33',
        adminDivision: ['330106001', '330106002', '330108001', '330782101'][serial % 4]!,
        gender: serial % 2 ? 'FEMALE' : 'MALE',
        birthYear: 1950 + (serial % 50),
        householdId: `hh-${Math.floor(serial / 3)}`,
        channel: 'INTAKE_POINT',
        nodeId: `sn-${serial % 20}`,
        idHash: 'c'.repeat(64),
        status: 'ACTIVE',
        openedAt: now,
      },
      meta('33', 'account'),
    ),
  ];
  for (let i = 0; i < 2; i++) {
    const code = CODES[(serial + i) % CODES.length]!;
    const facts = {
      outcomeId: `oc-${randomUUID()}`,
      accountNo,
      idHash: 'c'.repeat(64),
      province: '33',
      institutionCode: null,
      source: 'INSTITUTION_IMPORT' as const,
      type: code.startsWith('CE') ? ('NON_ACADEMIC' as const) : ('VOCATIONAL' as const),
      catalogItemCode: code,
      catalogItemVersion: 1,
      title: code,
      hours: 36,
      score: 80,
      achievedAt: now.slice(0, 10),
    };
    events.push(
      createEvent(
        OutcomeDeposited,
        { ...facts, status: 'PENDING_REVIEW', batchId: null, depositedBy: 'bench', depositedAt: now },
        meta('33', 'outcome'),
      ),
      createEvent(
        OutcomeRecognized,
        {
          ...facts,
          recognizedCredits: 2,
          points: 200,
          creditStandardVersion: 1,
          level: 1,
          track: 'VSC-ELEC',
          subtype: null,
          recognizedBy: 'system',
          recognizedAt: now,
        },
        meta('33', 'outcome'),
      ),
    );
  }
  return events;
}

async function send(producer: Producer, prefix: string, events: readonly OutgoingEvent[]): Promise<void> {
  const byTopic = new Map<string, OutgoingEvent[]>();
  for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, list]) => ({
      topic: prefix + topic,
      messages: list.map((e) => ({ key: e.key, value: JSON.stringify(e.event) })),
    })),
  });
}

/** Sum of applied events of the read-model consumer, from /metrics. */
function applied(metrics: string): number {
  let n = 0;
  for (const m of metrics.matchAll(/^creditbank_events_consumed_total\{([^}]*)\} (\d+)/gm))
    if (m[1]!.includes('result="applied"')) n += Number(m[2]);
  return n;
}

/** A quantile from the cumulative histogram buckets (linear inside the bucket, like histogram_quantile). */
function histogramQuantile(metrics: string, q: number): number | null {
  const buckets: [number, number][] = [];
  for (const m of metrics.matchAll(/^creditbank_event_lag_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
    const le = /le="([^"]+)"/.exec(m[1]!)![1]!;
    buckets.push([le === '+Inf' ? Infinity : Number(le), Number(m[2])]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (!total) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) return le === Infinity ? prevLe : prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    prevLe = le;
    prevCount = count;
  }
  return null;
}

function summaryQuantile(metrics: string, q: string): number | null {
  const values = [
    ...metrics.matchAll(
      new RegExp(`^creditbank_analytics_read_model_lag_window_seconds\\{([^}]*quantile="${q}"[^}]*)\\} ([0-9.eE+-]+|NaN)`, 'gm'),
    ),
  ]
    .map((m) => Number(m[2]))
    .filter(Number.isFinite);
  return values.length ? Math.max(...values) : null;
}

async function run(): Promise<void> {
  const ns = createTestNamespace();
  const env = serviceTestEnv(ns, 'analytics', { LOG_LEVEL: 'warn', KAFKA_TOPIC_PARTITIONS: '3' });
  const service = await main(env);
  const metricsUrl = service.url.replace(/\/graphql$/, '/metrics');
  const scrape = async () => (await fetch(metricsUrl)).text();
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  const kafka = new Kafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'bench-analytics', logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    // Warm-up: a few events so topics, the consumer group and the collections exist.
    await send(producer, ns.topicPrefix, learnerWithOutcomes());
    await eventually(
      async () => {
        if (applied(await scrape()) < 5) throw new Error('not yet');
      },
      { timeoutMs: 60_000 },
    );

    // Phase 1: sustained RATE events/s.
    const mem = memorySampler();
    const before = applied(await scrape());
    const tickMs = 100;
    const perTick = Math.round((RATE * tickMs) / 1000);
    let sent = 0;
    let pending: OutgoingEvent[] = [];
    const t0 = performance.now();
    const lagSamples: number[] = [];
    for (let tick = 0; tick < (SECONDS * 1000) / tickMs; tick++) {
      while (pending.length < perTick) pending.push(...learnerWithOutcomes());
      const batch = pending.slice(0, perTick);
      pending = pending.slice(perTick);
      // Event time = the moment it is published.
      const now = new Date().toISOString();
      await send(
        producer,
        ns.topicPrefix,
        batch.map((e) => ({ ...e, event: { ...e.event, time: now } })),
      );
      sent += batch.length;
      if (tick % 10 === 9) {
        const m = await scrape();
        const last = /^creditbank_analytics_read_model_lag_seconds\{[^}]*topic="creditbank.outcome.v1"[^}]*\} ([0-9.eE+-]+)/m.exec(m);
        if (last) lagSamples.push(Number(last[1]));
      }
      const wait = t0 + (tick + 1) * tickMs - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const sendSeconds = (performance.now() - t0) / 1000;
    await eventually(
      async () => {
        if (applied(await scrape()) - before < sent) throw new Error('still consuming');
      },
      { timeoutMs: 600_000, intervalMs: 200 },
    );
    const drainSeconds = (performance.now() - t0) / 1000;
    const sustained = await scrape();
    const p95Window = summaryQuantile(sustained, '0.95');
    const p99Window = summaryQuantile(sustained, '0.99');
    const p50Window = summaryQuantile(sustained, '0.5');
    const p95Hist = histogramQuantile(sustained, 0.95);

    // Phase 2: a backlog published as fast as possible; how fast does the consumer apply it?
    const backlog: OutgoingEvent[] = [];
    while (backlog.length < BURST) backlog.push(...learnerWithOutcomes());
    const before2 = applied(await scrape());
    for (let i = 0; i < backlog.length; i += 1000) await send(producer, ns.topicPrefix, backlog.slice(i, i + 1000));
    const b0 = performance.now();
    let peak = 0;
    let lastCount = before2;
    let lastT = b0;
    await eventually(
      async () => {
        const n = applied(await scrape());
        const t = performance.now();
        if (t - lastT >= 1000) {
          peak = Math.max(peak, ((n - lastCount) * 1000) / (t - lastT));
          lastCount = n;
          lastT = t;
        }
        if (n - before2 < backlog.length) throw new Error('still consuming');
      },
      { timeoutMs: 900_000, intervalMs: 250 },
    );
    const burstSeconds = (performance.now() - b0) / 1000;
    const memory = mem.stop();
    const maxRate = backlog.length / burstSeconds;
    const docs = await mongo.db(env['MONGODB_DB']).collection('g1_outcomes').estimatedDocumentCount();

    const f = (n: number | null) => (n === null ? 'n/a' : `${(n * 1000).toFixed(0)} ms`);
    const lines = [
      '## Analytics read models (`npm run bench:analytics`)',
      '',
      `Events through Kafka into the analytics read models (one learner opening an account, then two outcomes deposited and recognised: 5 events per learner), the service in-process, lag measured by the service itself from each event's time to its effect stored (the \`creditbank_analytics_read_model_lag_*\` metrics on /metrics).`,
      '',
      '| measure | value |',
      '|---|---|',
      `| sustained load | ${sent.toLocaleString('en')} events in ${sendSeconds.toFixed(1)} s = **${Math.round(sent / sendSeconds)} events/s** (target ${RATE}); all applied after ${drainSeconds.toFixed(1)} s |`,
      `| lag p50 / **p95** / p99, last minute of the sustained load (summary) | ${f(p50Window)} / **${f(p95Window)}** / ${f(p99Window)} |`,
      `| lag p95 over the whole run (histogram, interpolated in buckets) | ${f(p95Hist)} |`,
      `| last-applied lag sampled once a second (max) | ${lagSamples.length ? f(Math.max(...lagSamples)) : 'n/a'} |`,
      `| backlog of ${backlog.length.toLocaleString('en')} events: applied in | ${burstSeconds.toFixed(1)} s = **${Math.round(maxRate)} events/s** (best 1-s window ${Math.round(peak)} events/s) |`,
      `| outcome facts stored | ${docs.toLocaleString('en')} |`,
      `| peak RSS / heap of the benchmark process (service in-process) | ${memory.peakRssMiB} MiB / ${memory.peakHeapMiB} MiB |`,
      `| goal p95 ≤ 1 s at ${RATE} events/s | ${p95Window !== null && p95Window <= 1 ? '**met**' : '**not met**'} |`,
      '',
      `Machine: ${machine()}; database: ${testInfra().mongodbUri.startsWith('mongodb://127.0.0.1:27117') ? 'local FerretDB 1.24 (SQLite) behind the write-serialising proxy' : 'the configured MONGODB_URI'}; Kafka 4.1 single node, 3 partitions per topic. Measured ${new Date().toISOString().slice(0, 10)}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeSection('analytics', lines.join('\n'));
    if (p95Window === null || p95Window > 1) process.exitCode = 4;
  } finally {
    await producer.disconnect();
    await service.runtime.stop();
    await mongo.close();
    await ns.cleanup();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
