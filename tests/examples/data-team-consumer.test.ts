import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { LearnerAccountOpened, TOPICS, createEvent } from '@creditbank/contracts';
import { makeAccountNo } from '@creditbank/kernel';
import { createTestNamespace, publishRaw, testInfra } from '@creditbank/testing';

// The data-team guide's example consumer runs as written and builds the table it promises.
const ns = createTestNamespace();
afterAll(() => ns.cleanup());

it('builds accounts per county and month, skipping a redelivered event', async () => {
  const topic = ns.topicPrefix + TOPICS.account;
  const admin = new Kafka({ brokers: [testInfra().kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const opened = (division: string, openedAt: string, channel: 'ONLINE' | 'INTAKE_POINT', serial: number) =>
    createEvent(
      LearnerAccountOpened,
      { ...LearnerAccountOpened.example, accountNo: makeAccountNo('33', serial), adminDivision: division, openedAt, channel },
      { province: '33', source: '/creditbank/account' },
    );
  const events = [
    opened('330106013', '2026-10-03T01:00:00.000Z', 'INTAKE_POINT', 1),
    opened('330106', '2026-10-20T01:00:00.000Z', 'INTAKE_POINT', 2),
    opened('330106', '2026-11-02T01:00:00.000Z', 'ONLINE', 3),
    opened('330782', '2026-11-05T01:00:00.000Z', 'INTAKE_POINT', 4),
  ];
  await publishRaw(
    topic,
    [...events, events[0]!].map((e) => ({ key: e.key, value: JSON.stringify(e.event) })),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, '../../examples/data-team-consumer/consumer.mjs'), '--until-caught-up'],
    {
      env: { ...process.env, KAFKA_BROKERS: testInfra().kafkaBrokers, TOPIC_PREFIX: ns.topicPrefix },
      timeout: 60_000,
    },
  );
  expect(stdout).toContain('330106  2026-10  INTAKE_POINT  2');
  expect(stdout).toContain('330106  2026-11  ONLINE        1');
  expect(stdout).toContain('330782  2026-11  INTAKE_POINT  1');
  expect(stdout).toContain('(4 events, 1 duplicates skipped)');
});
