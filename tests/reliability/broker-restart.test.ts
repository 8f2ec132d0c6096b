import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { LearnerAccountOpened, TOPICS } from '@creditbank/contracts';
import { eventually, tapTopics, tokens } from '@creditbank/testing';
import {
  accountsByIdNumber,
  checkHistory,
  eventIdsBy,
  firstSample,
  idNumberFor,
  postGraphql,
  recordCall,
  steadyLoad,
  watchReadiness,
  type CallRecord,
} from '../support/history-checker';
import { startPrivateInfra, startPrivatePlatform, type PrivateInfra, type PrivatePlatform } from '../support/private-infra';

/**
 * The broker goes away under load. A private Kafka (never the shared one) is stopped for ~10 s while
 * intake operators keep opening accounts at a steady rate; nothing is restarted but the broker. The
 * outbox keeps accepting writes, the relay and the consumers reconnect on their own, and in the end
 * every acknowledged opening has exactly one event on the topic and is counted exactly once by the
 * analytics and conversion consumers.
 */
jest.setTimeout(180_000);

let infra: PrivateInfra | undefined;
let platform: PrivatePlatform | undefined;
let watch: ReturnType<typeof watchReadiness> | undefined;

beforeAll(async () => {
  infra = await startPrivateInfra('broker-restart');
  platform = await startPrivatePlatform(infra, ['account', 'analytics', 'conversion']);
});

afterAll(async () => {
  watch?.stop();
  await platform?.stop();
  await infra?.destroy();
});

const OPEN = `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`;
const NODE = 'sn-broker-restart';

it('keeps accepting writes while the broker is down, then publishes and applies each of them exactly once', async () => {
  const p = platform!;
  const accountUrl = p.subgraphUrl.account!;
  const readiness = watchReadiness(new URL('/readyz', accountUrl).href);
  watch = readiness;
  const history: CallRecord[] = [];
  const token = tokens.operator(NODE);

  const t0 = Date.now();
  const load = steadyLoad({
    durationMs: 22_000,
    perSecond: 4,
    next: (i) => {
      const input = { idNumber: idNumberFor(i), name: '钱小兰', adminDivision: '330106', agreementVersion: '2026-01' };
      return recordCall(history, 'openLearnerAccount', input.idNumber, input, 30_000, (signal) =>
        postGraphql(accountUrl, OPEN, { i: input }, token, signal),
      );
    },
  });
  await sleep(5_000);
  const stopMs = await infra!.stop('kafka');
  const downAt = Date.now();
  await sleep(10_000);
  const startMs = await infra!.start('kafka');
  const upAt = Date.now();
  await load;
  const loadEnd = Date.now();

  // The database was up throughout: no call was refused (one that ran past the client's deadline on
  // a busy machine is in doubt, and the checker below accepts it only wholly present or absent).
  expect(history.filter((c) => c.outcome === 'rejected')).toEqual([]);
  expect(history.filter((c) => c.outcome === 'in-doubt' && c.code !== 'TIMEOUT')).toEqual([]);
  const acknowledged = history.filter((c) => c.outcome === 'ok').length;
  const during = history.filter((c) => c.outcome === 'ok' && c.startedAt >= downAt - stopMs && c.startedAt < upAt).length;

  // Every acknowledged opening reaches the topic once (read from the beginning, after the fact).
  const tap = await tapTopics([p.ns.topicPrefix + TOPICS.account], { brokers: infra!.kafkaBrokers });
  try {
    const stored = await accountsByIdNumber(
      accountUrl,
      token,
      history.map((c) => c.key),
    );
    const events = () => eventIdsBy(tap.events(LearnerAccountOpened.type), 'accountNo');
    await eventually(() => expect(events().size).toBe(stored.size), { timeoutMs: 60_000 });
    const published = Date.now();
    const report = await checkHistory(history, (_op, key) => {
      const no = stored.get(key);
      return { effects: no ? 1 : 0, events: no ? (events().get(no)?.size ?? 0) : 0 };
    });
    expect(report.violations).toEqual([]);
    expect([...events().keys()].sort()).toEqual([...stored.values()].sort()); // no event without its account
    const copies = tap.events(LearnerAccountOpened.type).length;
    const total = stored.size;

    // Each consumer applied each opening exactly once.
    const mongo = await new MongoClient(infra!.mongodbUri).connect();
    try {
      const applied = async (service: 'analytics' | 'conversion') =>
        mongo.db(p.env[service]!['MONGODB_DB']).collection('inbox').countDocuments({ type: LearnerAccountOpened.type });
      await eventually(async () => expect(await applied('analytics')).toBe(total), { timeoutMs: 60_000 });
      await eventually(async () => expect(await applied('conversion')).toBe(total), { timeoutMs: 60_000 });
    } finally {
      await mongo.close();
    }
    const stats = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceNode { stats { accountsOpened } } } }`;
    await eventually(
      async () => {
        const r = await postGraphql<{ _entities: Array<{ stats: { accountsOpened: number } }> }>(
          p.subgraphUrl.analytics!,
          stats,
          { r: [{ __typename: 'ServiceNode', id: NODE }] },
          tokens.analyst('33'),
        );
        expect(r.data?._entities[0]?.stats.accountsOpened).toBe(total);
      },
      { timeoutMs: 30_000 },
    );
    const applied = Date.now();

    // Readiness: the account service can still take writes without its broker (the outbox holds
    // them), so it may stay ready; it must be ready again after the restart without any help.
    readiness.stop();
    const sawUnready = readiness.samples.filter((s) => s.at >= downAt - stopMs && s.at < upAt && !s.ready).length;
    const readyAgainAt = firstSample(readiness.samples, true, upAt);
    expect(readyAgainAt).not.toBeNull();
    expect(readiness.samples[readiness.samples.length - 1]!.ready).toBe(true);

    const latencies = history.map((c) => c.ms).sort((a, b) => a - b);
    console.log(
      `broker-restart: ${history.length} openings in ${((loadEnd - t0) / 1000).toFixed(1)} s, ${acknowledged} acknowledged ` +
        `(${during} while the broker was down; p50 ${latencies[latencies.length >> 1]} ms, max ${latencies[latencies.length - 1]} ms), ` +
        `${report.inDoubt} in doubt (${report.inDoubtPresent} present, ${report.inDoubtAbsent} absent); ` +
        `broker stopped in ${stopMs} ms, down ${((upAt - downAt) / 1000).toFixed(1)} s (restart took ${startMs} ms); ` +
        `account /readyz unready in ${sawUnready} samples during the outage, ready ${((readyAgainAt! - upAt) / 1000).toFixed(1)} s after the restart; ` +
        `all events on the topic ${((published - upAt) / 1000).toFixed(1)} s after the restart (${copies} messages for ${total} events); ` +
        `all applied once by analytics and conversion ${((applied - upAt) / 1000).toFixed(1)} s after the restart`,
    );
  } finally {
    await tap.stop();
  }
});
