import { randomUUID } from 'node:crypto';
import { LearnerAccountOpened, TOPICS, createEvent, dlqTopic } from '@creditbank/contracts';
import { main as analytics } from '@creditbank/analytics-service';
import type { StartedService } from '@creditbank/server';
import { createTestNamespace, eventually, graphqlOk, publishRaw, serviceTestEnv, tapTopics, tokens } from '@creditbank/testing';

/**
 * Poison messages on a real service's input topic: the analytics service consumes
 * `creditbank.account.v1`; malformed JSON, a schema-invalid event and an oversized message (above
 * the service's KAFKA_CONSUMER_MAX_MESSAGE_BYTES) are written to one partition, followed by a valid
 * event. Each poison message lands on `<topic>.dlq` with its original bytes and the error in headers,
 * the valid event behind them is applied (the partition keeps moving), and the service's /metrics
 * counts each dead letter by reason.
 */
const ns = createTestNamespace();
const MAX_BYTES = 64 * 1024;
let service: StartedService | undefined;

afterAll(async () => {
  await service?.runtime.stop();
  await ns.cleanup();
});

const DLQ_METRIC = 'creditbank_events_dead_lettered_total';

async function deadLettered(reason: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', service!.url))).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${DLQ_METRIC}{`) && l.includes(`topic="${TOPICS.account}"`) && l.includes(`reason="${reason}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

it('dead-letters malformed, schema-invalid and oversized events with their bytes and error, keeps the partition moving, and counts them', async () => {
  service = await analytics(serviceTestEnv(ns, 'analytics', { KAFKA_CONSUMER_MAX_MESSAGE_BYTES: String(MAX_BYTES) }));
  const dlqTap = await tapTopics([ns.topicPrefix + dlqTopic(TOPICS.account)]);
  for (const reason of ['malformed', 'invalid', 'oversized']) expect(await deadLettered(reason)).toBe(0);

  const nodeId = 'sn-poison-test';
  const valid = createEvent(
    LearnerAccountOpened,
    { ...LearnerAccountOpened.example, nodeId },
    { province: '33', source: '/creditbank/account' },
  );
  const validBytes = JSON.stringify(valid.event);
  const poison = [
    { reason: 'malformed', value: Buffer.from('{"specversion":"1.0","id":"broken",'), error: /JSON|Unexpected|end/i },
    {
      reason: 'invalid',
      // Well-formed JSON of a known type whose data breaks the schema (gender outside the enum).
      value: Buffer.from(
        JSON.stringify({ ...valid.event, id: randomUUID(), data: { ...valid.event.data, gender: 'UNKNOWN', nodeId: 'sn-never' } }),
      ),
      error: /gender/,
    },
    {
      reason: 'oversized',
      // An otherwise valid event padded past the limit: refused by size, before it is parsed.
      value: Buffer.from(JSON.stringify({ ...valid.event, id: randomUUID(), padding: 'x'.repeat(MAX_BYTES) })),
      error: new RegExp(`exceeds ${MAX_BYTES}`),
    },
  ];
  const key = valid.key; // one key: one partition, in this order
  await publishRaw(ns.topicPrefix + TOPICS.account, [
    ...poison.map((p) => ({ key, value: p.value, headers: { 'x-test': p.reason } })),
    { key, value: validBytes },
  ]);

  // The valid event behind the poison is applied.
  const stats = async () =>
    (
      await graphqlOk<{ _entities: Array<{ stats: { accountsOpened: number } }> }>(
        service!.url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceNode { stats { accountsOpened } } } }`,
        { r: [{ __typename: 'ServiceNode', id: nodeId }] },
        { token: tokens.analyst('33') },
      )
    )._entities[0]!.stats.accountsOpened;
  await eventually(async () => expect(await stats()).toBe(1), { timeoutMs: 30_000, intervalMs: 200 });

  // Each poison message on the DLQ: original bytes, key and headers, and the error. (The analytics
  // consumer applies a batch's events concurrently, so its dead letters of one batch may reach the
  // DLQ in any order; dlq-partition and dlq-offset say where each came from.)
  await eventually(() => expect(dlqTap.messages).toHaveLength(3), { timeoutMs: 20_000 });
  const dead = [...dlqTap.messages].sort((a, b) => Number(a.headers['dlq-offset']) - Number(b.headers['dlq-offset']));
  expect(dead.map((m) => m.headers['dlq-reason'])).toEqual(poison.map((p) => p.reason));
  expect(new Set(dead.map((m) => m.headers['dlq-partition'])).size).toBe(1);
  dead.forEach((m, i) => {
    const p = poison[i]!;
    expect(m.raw && Buffer.compare(m.raw, p.value)).toBe(0);
    expect(m.key).toBe(key);
    expect(m.headers['x-test']).toBe(p.reason); // the original headers travel along
    expect(m.headers['dlq-error']).toMatch(p.error);
    expect(m.headers).toMatchObject({ 'dlq-topic': TOPICS.account, 'dlq-group': `${ns.topicPrefix}analytics.read-models` });
    expect(Date.parse(m.headers['dlq-at']!)).not.toBeNaN();
  });
  // Consecutive offsets of one partition, just before the valid event.
  const offsets = dead.map((m) => Number(m.headers['dlq-offset']));
  expect(offsets).toEqual([offsets[0], offsets[0]! + 1, offsets[0]! + 2]);

  // The DLQ counter on /metrics, by reason; the service stays ready.
  for (const reason of ['malformed', 'invalid', 'oversized']) expect(await deadLettered(reason)).toBe(1);
  expect((await fetch(new URL('/readyz', service.url))).status).toBe(200);
  // Nothing of the invalid event leaked into the read model.
  expect(
    (
      await graphqlOk<{ _entities: Array<{ stats: { accountsOpened: number } }> }>(
        service.url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceNode { stats { accountsOpened } } } }`,
        { r: [{ __typename: 'ServiceNode', id: 'sn-never' }] },
        { token: tokens.analyst('33') },
      )
    )._entities[0]!.stats.accountsOpened,
  ).toBe(0);
  await dlqTap.stop();
});
