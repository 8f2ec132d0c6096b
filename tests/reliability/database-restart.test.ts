import { setTimeout as sleep } from 'node:timers/promises';
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
 * The database goes away under load. A private FerretDB (never the shared one) is stopped for ~16 s
 * while intake operators keep opening accounts. Calls during the outage fail within a bounded time
 * with a retriable error (`SERVICE_UNAVAILABLE`), never hang; nothing is half-applied (an account
 * without its event or an event without its account); every acknowledged opening is there with
 * exactly one event; retrying a failed call with the same ID number either opens the account or finds
 * it already open; /readyz goes unready during the outage and ready again by itself.
 */
jest.setTimeout(180_000);

let infra: PrivateInfra | undefined;
let platform: PrivatePlatform | undefined;
let watch: ReturnType<typeof watchReadiness> | undefined;

beforeAll(async () => {
  infra = await startPrivateInfra('database-restart');
  platform = await startPrivatePlatform(infra, ['account', 'analytics']);
});

afterAll(async () => {
  watch?.stop();
  await platform?.stop();
  await infra?.destroy();
});

const OPEN = `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`;
const NODE = 'sn-database-restart';
/** The client's deadline: a call still unanswered after this is in doubt. */
const DEADLINE_MS = 20_000;
/** Every call is answered within this, success or failure (the driver's selection and buffering waits). */
const MAX_CALL_MS = 15_000;
const OUTAGE_MS = 16_000;

it('fails calls fast and retriably while the database is down, loses and half-applies nothing, and recovers by itself', async () => {
  const p = platform!;
  const accountUrl = p.subgraphUrl.account!;
  const readiness = watchReadiness(new URL('/readyz', accountUrl).href);
  watch = readiness;
  const history: CallRecord[] = [];
  const token = tokens.operator(NODE);
  const inputFor = (idNumber: string) => ({ idNumber, name: '孙丽华', adminDivision: '330106', agreementVersion: '2026-01' });
  const open = (idNumber: string) =>
    recordCall(history, 'openLearnerAccount', idNumber, inputFor(idNumber), DEADLINE_MS, (signal) =>
      postGraphql(accountUrl, OPEN, { i: inputFor(idNumber) }, token, signal),
    );

  const t0 = Date.now();
  const load = steadyLoad({ durationMs: 26_000, perSecond: 4, next: (i) => open(idNumberFor(i)) });
  await sleep(6_000);
  const stopMs = await infra!.stop('ferretdb');
  const downAt = Date.now();
  // Longer than any call may take (MAX_CALL_MS): a call started as the database went away cannot
  // simply wait for it to return, so it must fail (or break the bound) — the test does not depend
  // on how long the driver happens to wait. A shorter outage let every call wait and succeed.
  await sleep(OUTAGE_MS);
  await infra!.start('ferretdb');
  const upAt = Date.now();
  await load;
  const loadEnd = Date.now();
  const firstRound = [...history];

  // Bounded: no call waited for the client's deadline; the failures name a retriable condition.
  const failed = firstRound.filter((c) => c.outcome !== 'ok');
  const maxMs = Math.max(...firstRound.map((c) => c.ms));
  expect(failed.length).toBeGreaterThan(0);
  expect(firstRound.filter((c) => c.code === 'TIMEOUT')).toEqual([]);
  expect(maxMs).toBeLessThan(MAX_CALL_MS);
  // Every failure of the outage is the retriable SERVICE_UNAVAILABLE. (A write on a connection the
  // server was closing once failed with a bare EPIPE socket error, answered INTERNAL_SERVER_ERROR;
  // socket errors now count as an unreachable database: shared/mongo isTransientDatabaseError.)
  expect(failed.map((c) => c.code).filter((c) => c !== 'SERVICE_UNAVAILABLE')).toEqual([]);
  const lastFailureEnd = Math.max(...failed.map((c) => c.startedAt + c.ms));

  // Readiness went away with the database and came back without help (waited for up to 30 s after the
  // restart: a driver client whose monitor stalled is replaced after 15 s, see shared/mongo).
  const readyBy = upAt + 30_000;
  while (firstSample(readiness.samples, true, upAt) === null && Date.now() < readyBy) await sleep(250);
  readiness.stop();
  const unreadyAt = firstSample(readiness.samples, false, downAt - stopMs);
  const readyAgainAt = firstSample(readiness.samples, true, upAt);
  expect(unreadyAt).not.toBeNull();
  expect(unreadyAt!).toBeLessThan(upAt);
  expect(readyAgainAt).not.toBeNull();

  // Nothing half-applied: every stored account has exactly one event, every event an account.
  const tap = await tapTopics([p.ns.topicPrefix + TOPICS.account], { brokers: infra!.kafkaBrokers });
  try {
    const stored = await accountsByIdNumber(
      accountUrl,
      token,
      firstRound.map((c) => c.key),
    );
    const eventsOf = () => eventIdsBy(tap.events(LearnerAccountOpened.type), 'accountNo');
    await eventually(() => expect(eventsOf().size).toBe(stored.size), { timeoutMs: 30_000 });
    const report = await checkHistory(firstRound, (_op, key) => {
      const no = stored.get(key);
      return { effects: no ? 1 : 0, events: no ? (eventsOf().get(no)?.size ?? 0) : 0 };
    });
    expect(report.violations).toEqual([]);
    expect([...eventsOf().keys()].sort()).toEqual([...stored.values()].sort()); // no event without its account

    // Retrying a failed call with the same ID number: opened now, or found already open — never twice.
    const retried = [];
    for (const c of failed) retried.push(await open(c.key));
    expect(retried.filter((r) => r.outcome !== 'ok' && r.code !== 'CONFLICT')).toEqual([]);
    for (const r of retried.filter((x) => x.code === 'CONFLICT')) expect(stored.has(r.key)).toBe(true);
    for (const r of retried.filter((x) => x.outcome === 'ok')) expect(stored.has(r.key)).toBe(false);
    const total = firstRound.length;
    await eventually(() => expect(eventsOf().size).toBe(total), { timeoutMs: 30_000 });
    expect([...eventsOf().values()].every((s) => s.size === 1)).toBe(true);

    // The analytics consumer (whose database went away too) counted each opening once.
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

    const failedMs = failed.map((c) => c.ms).sort((a, b) => a - b);
    console.log(
      `database-restart: ${total} openings in ${((loadEnd - t0) / 1000).toFixed(1)} s; database down ${((upAt - downAt) / 1000).toFixed(1)} s; ` +
        `${failed.length} failed with SERVICE_UNAVAILABLE (p50 ${failedMs[failedMs.length >> 1]} ms, max ${failedMs[failedMs.length - 1]} ms; slowest call of all ${maxMs} ms), ` +
        `the last failure ended ${((lastFailureEnd - upAt) / 1000).toFixed(1)} s after the restart; ` +
        `${report.inDoubtPresent} of them had been stored, ${report.inDoubtAbsent} not (retries: ${retried.filter((r) => r.outcome === 'ok').length} opened, ` +
        `${retried.filter((r) => r.code === 'CONFLICT').length} CONFLICT); ` +
        `/readyz unready ${((unreadyAt! - downAt) / 1000).toFixed(1)} s after the stop, ready ${((readyAgainAt! - upAt) / 1000).toFixed(1)} s after the restart`,
    );
  } finally {
    await tap.stop();
  }
});
