#!/usr/bin/env node
// A data team's first consumer of the credit bank event streams (runnable example; docs/data-teams.md).
// It reads creditbank.account.v1 from the beginning, skips duplicates by CloudEvents id, and builds a
// small table: accounts opened per county (6-digit division) and month, by opening channel.
//
//   KAFKA_BROKERS=127.0.0.1:19092 node examples/data-team-consumer/consumer.mjs [--until-caught-up]
//
// Environment: KAFKA_BROKERS (default 127.0.0.1:19092), TOPIC_PREFIX (test namespaces), GROUP_ID
// (your team's consumer group; keep it stable so restarts resume where they stopped).
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const topic = `${process.env.TOPIC_PREFIX ?? ''}creditbank.account.v1`;
const groupId = process.env.GROUP_ID ?? `data-team-example-${process.pid}`;
const untilCaughtUp = process.argv.includes('--until-caught-up');

const kafka = new Kafka({ brokers, clientId: 'data-team-example', logLevel: logLevel.NOTHING });

/** Table rows keyed "county|month|channel"; a real job would upsert these into its warehouse. */
const table = new Map();
/** Event ids already applied (at-least-once delivery: the same event may arrive twice). */
const seen = new Set();
let duplicates = 0;

function apply(event) {
  if (seen.has(event.id)) {
    duplicates++;
    return;
  }
  seen.add(event.id);
  if (event.type !== 'creditbank.learner.account-opened.v1') return; // ignore types you do not need
  const { adminDivision, channel, openedAt } = event.data;
  const key = `${adminDivision.slice(0, 6)}|${openedAt.slice(0, 7)}|${channel}`;
  table.set(key, (table.get(key) ?? 0) + 1);
}

function print() {
  const rows = [...table].map(([k, n]) => [...k.split('|'), n]).sort((a, b) => String(a).localeCompare(String(b)));
  console.log('county  month    channel       accounts');
  for (const [county, month, channel, n] of rows) console.log(`${county}  ${month}  ${channel.padEnd(12)}  ${n}`);
  console.log(`(${seen.size} events, ${duplicates} duplicates skipped)`);
}

const admin = kafka.admin();
await admin.connect();
const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
await admin.disconnect();
const pending = new Map([...ends].filter(([, high]) => high > 0n));

const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let stop;
const stopped = new Promise((resolve) => (stop = resolve));
if (untilCaughtUp && pending.size === 0) stop();
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    let event;
    try {
      event = JSON.parse(message.value.toString('utf8'));
    } catch {
      return; // not an event (the platform dead-letters these; a reader just skips them)
    }
    apply(event);
    const high = pending.get(partition);
    if (high !== undefined && BigInt(message.offset) + 1n >= high) pending.delete(partition);
    if (untilCaughtUp && pending.size === 0) stop();
  },
});
process.once('SIGINT', () => stop());
await stopped;
await consumer.disconnect();
print();
