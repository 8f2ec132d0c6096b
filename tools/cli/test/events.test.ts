import { Kafka, logLevel } from 'kafkajs';
import { LearnerAccountOpened, TOPICS, createEvent, dlqTopic } from '@creditbank/contracts';
import { createTestNamespace, publishRaw, tapTopics, testInfra } from '@creditbank/testing';
import { tailEvents } from '../src/commands/events-tail.command';
import { replayDlq } from '../src/commands/replay-dlq.command';

const ns = createTestNamespace();
const opts = { prefix: ns.topicPrefix, brokers: testInfra().kafkaBrokers };
const topic = ns.topicPrefix + TOPICS.account;
const event = (n: number) =>
  createEvent(
    LearnerAccountOpened,
    { ...LearnerAccountOpened.example, birthYear: 1960 + n },
    { province: '33', source: '/creditbank/account' },
  );

beforeAll(async () => {
  const admin = new Kafka({ brokers: [testInfra().kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [topic, dlqTopic(topic)].map((t) => ({ topic: t, numPartitions: 2 })), waitForLeaders: true });
  await admin.disconnect();
});

afterAll(() => ns.cleanup());

it('tail prints every event, validated against its schema', async () => {
  const good = event(1);
  await publishRaw(topic, [
    { key: good.key, value: JSON.stringify(good.event) },
    { key: 'x', value: JSON.stringify({ ...good.event, data: { ...(good.event.data as object), gender: 'X' } }) },
    { key: 'y', value: 'not json' },
  ]);
  const lines: string[] = [];
  const invalid = await tailEvents('account', { ...opts, fromBeginning: true, untilCaughtUp: true, json: true }, (s) => lines.push(s));
  const parsed = lines.map((l) => JSON.parse(l) as { valid: boolean; type: string | null; error?: string });
  expect(parsed).toHaveLength(3);
  expect(invalid).toBe(2);
  expect(parsed.filter((p) => p.valid).map((p) => p.type)).toEqual([LearnerAccountOpened.type]);
  expect(parsed.find((p) => p.type === LearnerAccountOpened.type && !p.valid)?.error).toMatch(/^invalid: .*gender/);
  expect(parsed.find((p) => p.type === null)?.error).toMatch(/^malformed/);
  const pretty: string[] = [];
  await tailEvents('account', { ...opts, fromBeginning: true, untilCaughtUp: true, type: LearnerAccountOpened.type }, (s) =>
    pretty.push(s),
  );
  expect(pretty.join('\n')).toMatch(/✔ p\d@\d+ creditbank\.learner\.account-opened\.v1 key=330000000177/);
});

it('replay-dlq re-publishes dead letters once, with their original bytes and key', async () => {
  const a = event(2);
  const b = event(3);
  const dlqHeaders = (reason: string) => ({
    'dlq-reason': reason,
    'dlq-topic': TOPICS.account,
    'dlq-error': 'boom',
    'dlq-partition': '0',
    'dlq-offset': '7',
  });
  await publishRaw(dlqTopic(topic), [
    { key: a.key, value: JSON.stringify(a.event), headers: dlqHeaders('handler-failed') },
    { key: b.key, value: JSON.stringify(b.event), headers: dlqHeaders('handler-failed') },
  ]);
  const tap = await tapTopics([topic]);
  const dry = await replayDlq('account', { ...opts, dryRun: true }, () => undefined);
  expect(dry.replayed).toBe(2);
  const first = await replayDlq('account', opts, () => undefined);
  expect(first).toEqual({ replayed: 2, skipped: 0 });
  const again = await replayDlq('account', opts, () => undefined);
  expect(again).toEqual({ replayed: 0, skipped: 0 });
  const deadline = Date.now() + 10_000;
  const replayedMessages = () => tap.messages.filter((m) => m.headers['dlq-replayed-from']);
  while (replayedMessages().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
  const replayed = replayedMessages();
  expect(replayed.map((m) => m.event?.id).sort()).toEqual([a.event.id, b.event.id].sort());
  expect(replayed.every((m) => m.headers['dlq-replayed-from']!.startsWith(dlqTopic(topic)) && !m.headers['dlq-reason'])).toBe(true);
  expect(replayed.map((m) => m.key)).toEqual([a.key, b.key]);
  await tap.stop();
});
