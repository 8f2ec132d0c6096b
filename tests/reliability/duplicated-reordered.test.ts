import { MongoClient, ObjectId, type Document } from 'mongodb';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ALL_TOPICS, TOPICS, type TopicName } from '@creditbank/contracts';
import { makeResidentId, makeUscc } from '@creditbank/identity';
import { main as analytics } from '@creditbank/analytics-service';
import { main as conversion } from '@creditbank/conversion-service';
import { main as outcome } from '@creditbank/outcome-service';
import type { StartedService } from '@creditbank/server';
import { runSeed } from '@creditbank/standards-service/seed';
import {
  createTestNamespace,
  eventually,
  graphqlOk,
  seed,
  serviceTestEnv,
  tapTopics,
  testInfra,
  tokens,
  type TestNamespace,
} from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

/**
 * DESIGN §5: "Consumers are idempotent (redelivery and reordering change nothing twice)."
 *
 * 1. Namespace A: the whole platform runs a short but complete workload through the gateway
 *    (standards seed, institution and accreditation, intake points, an operator, unclaimed imports,
 *    accounts opened (claims), imports, declared outcomes approved and rejected, profile update,
 *    freeze/unfreeze, revocations, a conversion rule, a conversion approved and one auto-rejected,
 *    a learning project with enrolments). Every event of the five topics is captured (bytes, key,
 *    headers): these are the genuine events, nothing synthetic.
 * 2. Fresh namespaces B and C each run the consumers under test, started in-process with their
 *    service's `main`: analytics (read models), conversion (credit accounts and ledger) and outcome
 *    (projections, and the claim of unclaimed outcomes on account opening; its database starts with
 *    the outcomes A's import left UNCLAIMED, because deposits are commands, not events). Their relays
 *    are off, so the only events in B and C are the replayed ones.
 *    B gets the events once, in their original order (per partition, merged by event time).
 *    C gets them shuffled across keys, with 10 % delivered twice (the copy later, anywhere), and
 *    then a "crash window": for a random 10 % of the events, the inbox records of that event and of
 *    every later event of its key are deleted and that suffix is delivered again, which is exactly
 *    what a consumer that crashes after its effects and before its inbox write and offset commit
 *    sees. Ordering rule: the relative order of two events with the same topic and key is kept,
 *    because Kafka guarantees it per partition and DESIGN §5 keys learner events by accountNo for
 *    per-learner ordering; everything else (across keys, partitions and topics) is shuffled
 *    freely. Reference data (the standards topic) is delivered, and applied, before the rest in both
 *    runs: the outcome service recognises a claimed outcome under the credit standard it knows at
 *    that moment, as the platform intends, and in production standards are published long before
 *    learners claim outcomes.
 * 3. The databases of B and C (every collection, sorted, minus the volatile fields listed in
 *    VOLATILE) and the GraphQL answers of their subgraphs must be identical; A's analytics read
 *    models, built live, must equal B's as well.
 *
 * The seed is printed; `DUP_REORDER_SEED=<n>` makes the same shuffling, duplication and crash choices
 * again (A's captured stream itself can differ slightly between runs: event ids, times, interleaving).
 */
const SEED = Number(process.env['DUP_REORDER_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const DUPLICATE_RATE = 0.1;
const CRASH_RATE = 0.1;

const INST = makeUscc('330106', 71071);
const UNIVERSITY = makeUscc('330106', 72072);
const person = (i: number) => makeResidentId('330106', `19${70 + i}-0${1 + (i % 9)}-1${i % 10}`, 40 + i);
const LEARNERS = [0, 1, 2, 3, 4, 5].map((i) => ({ idNumber: person(i), name: `回放学员${'甲乙丙丁戊己'[i]}` }));
const UNCLAIMED = [6, 7, 8].map((i) => ({ idNumber: person(i), name: `待认领${'庚辛壬'[i - 6]}` }));

/** Consumer groups (without the namespace prefix) of the services under test, and what each reads. */
const GROUPS: Record<string, readonly TopicName[]> = {
  'analytics.read-models': ALL_TOPICS,
  'conversion.outcome-events': [TOPICS.outcome],
  'conversion.account-events': [TOPICS.account],
  'outcome.account-events': [TOPICS.account],
  'outcome.standards-events': [TOPICS.standards],
};
/** Every consumer group of the platform (A must have applied everything before the capture). */
const PLATFORM_GROUPS: Record<string, readonly TopicName[]> = {
  ...GROUPS,
  'account.network-events': [TOPICS.network],
  'intake-network.account-events': [TOPICS.account],
  'intake-network.standards-events': [TOPICS.standards],
  'standards.account-events': [TOPICS.account],
};

/**
 * Fields that legitimately differ between two runs, by `<service>.<collection>` (`*`: any
 * collection; `*` in a path: every key of a map). Anything else must be identical.
 */
const VOLATILE: Record<string, string[]> = {
  // Pending events of the (disabled) relay: random event ids and write tokens.
  '*': ['_outbox', '_outboxCount', '_outboxWrite', '_bulkWrite'],
  // Processing time of the revocation (the domain stamps the moment it applied it).
  'conversion.credit_accounts': ['outcomes.*.revokedAt'],
  // Processing time of the entry.
  'conversion.ledger_entries': ['at'],
  // When the outcome service recognised a claimed outcome (processing time).
  'outcome.outcomes': ['recognition.at'],
};
/**
 * Collections left out: the inbox (per-delivery bookkeeping), bulk outboxes (pending events of the
 * disabled relay) and analytics freshness (wall-clock).
 */
const SKIP = (name: string) => name === 'inbox' || name.startsWith('outbox_bulk_') || name.endsWith('_freshness');

interface Captured {
  topic: TopicName;
  partition: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  id: string;
  type: string;
  time: string;
}

interface Consumers {
  ns: TestNamespace;
  services: StartedService[];
  url: { analytics: string; conversion: string; outcome: string };
}

const kafka = new Kafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'test-dup-reorder', logLevel: logLevel.NOTHING });
/** One admin client per namespace: a client that knew a namespace's deleted topics fails its metadata requests. */
const admins = new Map<string, Admin>();
async function adminOf(ns: TestNamespace): Promise<Admin> {
  let a = admins.get(ns.id);
  if (!a) {
    a = kafka.admin();
    await a.connect();
    admins.set(ns.id, a);
  }
  return a;
}
const producer = kafka.producer({ maxInFlightRequests: 1 });
let mongo: MongoClient;
let platform: Platform | undefined;
const replays: Consumers[] = [];

beforeAll(async () => {
  process.stdout.write(`duplicated-reordered: seed ${SEED} (DUP_REORDER_SEED=${SEED} replays this run)\n`);
  mongo = await new MongoClient(testInfra().mongodbUri).connect();
  await producer.connect();
});

afterAll(async () => {
  await platform?.stop();
  await Promise.all(
    replays.map(async (r) => {
      await Promise.all(r.services.map((s) => s.runtime.stop()));
      await r.ns.cleanup();
    }),
  );
  await producer.disconnect();
  for (const a of admins.values()) await a.disconnect();
  await mongo?.close();
});

/** A small, seedable PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keyOf = (m: Captured) => `${m.topic}|${m.key ?? ''}`;

/** A uniformly random interleaving of the per-(topic, key) sequences: order within a key is kept. */
function interleave(list: readonly Captured[], random: () => number): Captured[] {
  const queues = new Map<string, Captured[]>();
  for (const m of list) {
    const q = queues.get(keyOf(m)) ?? [];
    q.push(m);
    queues.set(keyOf(m), q);
  }
  const qs = [...queues.values()];
  const out: Captured[] = [];
  for (let remaining = list.length; remaining > 0; remaining--) {
    let r = Math.floor(random() * remaining);
    for (const q of qs) {
      if (r < q.length) {
        out.push(q.shift()!);
        break;
      }
      r -= q.length;
    }
  }
  return out;
}

/** Each chosen event is delivered once more, at a random later position. */
function withDuplicates(list: readonly Captured[], rate: number, random: () => number): { out: Captured[]; duplicated: number } {
  const after = new Map<number, Captured[]>();
  let duplicated = 0;
  list.forEach((m, i) => {
    if (random() >= rate) return;
    const at = i + Math.floor(random() * (list.length - i)); // after position `at` (≥ i)
    after.set(at, [...(after.get(at) ?? []), m]);
    duplicated++;
  });
  return { out: list.flatMap((m, i) => [m, ...(after.get(i) ?? [])]), duplicated };
}

/** Pairs of events of different keys whose order differs from the clean run. */
function inversions(clean: readonly Captured[], shuffled: readonly Captured[]): number {
  const pos = new Map(shuffled.map((m, i) => [m.id, i] as const));
  let n = 0;
  for (let i = 0; i < clean.length; i++)
    for (let j = i + 1; j < clean.length; j++) if (pos.get(clean[i]!.id)! > pos.get(clean[j]!.id)!) n++;
  return n;
}

async function highWatermarks(ns: TestNamespace, topic: TopicName): Promise<Map<number, bigint>> {
  const admin = await adminOf(ns);
  return new Map((await admin.fetchTopicOffsets(ns.topicPrefix + topic)).map((p) => [p.partition, BigInt(p.high)] as const));
}

/** Every group has committed every message of its topics (its effects are stored), and nothing new was published for a while. */
async function settled(
  ns: TestNamespace,
  groups: Record<string, readonly TopicName[]>,
  quietMs: number,
  timeoutMs = 90_000,
): Promise<void> {
  let last = '';
  let since = Date.now();
  await eventually(
    async () => {
      const highs = new Map<string, Map<number, bigint>>();
      for (const t of ALL_TOPICS) highs.set(t, await highWatermarks(ns, t));
      const fingerprint = JSON.stringify([...highs].map(([t, m]) => [t, [...m].map(([p, h]) => `${p}:${h}`)]));
      if (fingerprint !== last) {
        last = fingerprint;
        since = Date.now();
      }
      for (const [group, topics] of Object.entries(groups)) {
        const committed = await (
          await adminOf(ns)
        ).fetchOffsets({ groupId: ns.topicPrefix + group, topics: topics.map((t) => ns.topicPrefix + t) });
        for (const c of committed) {
          const logical = c.topic.slice(ns.topicPrefix.length);
          for (const p of c.partitions) {
            const high = highs.get(logical)?.get(p.partition) ?? 0n;
            const at = p.offset === '-1' ? 0n : BigInt(p.offset);
            if (at < high) throw new Error(`${group} is at ${logical}/${p.partition}@${at} of ${high}`);
          }
        }
      }
      if (Date.now() - since < quietMs) throw new Error('still publishing');
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** Publish captured events to a namespace, in the given order (one producer, one request in flight). */
async function deliver(ns: TestNamespace, list: readonly Captured[]): Promise<void> {
  for (let i = 0; i < list.length; i += 100) {
    const chunk = list.slice(i, i + 100);
    const byTopic = new Map<string, Array<{ key: string | null; value: Buffer; headers: Record<string, string> }>>();
    for (const m of chunk) {
      const messages = byTopic.get(m.topic) ?? [];
      messages.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, messages);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: ns.topicPrefix + topic, messages })),
    });
  }
}

/** Remove the inbox records of these events in every group of the services under test. */
async function forgetInbox(ns: TestNamespace, ids: readonly string[]): Promise<number> {
  let removed = 0;
  for (const service of ['analytics', 'conversion', 'outcome']) {
    const groups = Object.keys(GROUPS).filter((g) => g.startsWith(`${service}.`));
    const inboxIds = groups.flatMap((g) => ids.map((id) => `${ns.topicPrefix}${g}/${id}`));
    const r = await mongo
      .db(ns.dbName(service))
      .collection('inbox')
      .deleteMany({ _id: { $in: inboxIds } } as Document);
    removed += r.deletedCount;
  }
  return removed;
}

async function startConsumers(): Promise<Consumers> {
  const ns = createTestNamespace();
  const consumers: Consumers = { ns, services: [], url: { analytics: '', conversion: '', outcome: '' } };
  replays.push(consumers);
  // A longer session than the test default: on a loaded machine a slow batch would otherwise cost a rebalance.
  const relayOff = { OUTBOX_RELAY_ENABLED: 'false', KAFKA_SESSION_TIMEOUT_MS: '20000' };
  const a = await analytics(serviceTestEnv(ns, 'analytics', { KAFKA_SESSION_TIMEOUT_MS: '20000' }));
  consumers.services.push(a);
  const c = await conversion(serviceTestEnv(ns, 'conversion', { ...relayOff, WEBHOOK_DISPATCHER_ENABLED: 'false' }));
  consumers.services.push(c);
  const o = await outcome(serviceTestEnv(ns, 'outcome', relayOff));
  consumers.services.push(o);
  consumers.url = { analytics: a.url, conversion: c.url, outcome: o.url };
  return consumers;
}

function unsetPath(doc: unknown, path: readonly string[]): void {
  if (!doc || typeof doc !== 'object') return;
  const [head, ...rest] = path;
  const obj = doc as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(obj) : [head!];
  for (const k of keys) {
    if (rest.length === 0) delete obj[k];
    else unsetPath(obj[k], rest);
  }
}

/** Every collection of a service's database: volatile fields removed, documents sorted. */
async function dump(ns: TestNamespace, service: string): Promise<Record<string, unknown[]>> {
  const db = mongo.db(ns.dbName(service));
  const out: Record<string, unknown[]> = {};
  const names = (await db.listCollections().toArray()).map((c) => c.name).filter((n) => !SKIP(n));
  for (const name of names.sort()) {
    const docs = await db.collection(name).find({}).toArray();
    const paths = [...(VOLATILE['*'] ?? []), ...(VOLATILE[`${service}.${name}`] ?? [])];
    out[name] = docs
      .map((d) => {
        // Generated ObjectIds (documents without a natural key) differ between runs.
        if (d._id instanceof ObjectId) delete (d as { _id?: unknown })._id;
        for (const p of paths) unsetPath(d, p.split('.'));
        return JSON.parse(JSON.stringify(d)) as unknown;
      })
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  }
  return out;
}

/** What the subgraphs answer about the replayed world. */
async function answers(c: Consumers, accountNos: readonly string[], nodeIds: readonly string[]): Promise<unknown> {
  const analyst = { token: tokens.analyst('33') };
  const admin33 = { token: tokens.platformAdmin('33') };
  const learners = accountNos.map((accountNo) => ({ __typename: 'Learner', accountNo }));
  const period = new Date().toISOString().slice(0, 7);
  const rankings = await graphqlOk(
    c.url.analytics,
    `query($p: String!) {
      byItem: trainingDistribution(groupBy: CATALOG_ITEM) { key count credits learners }
      byDivision: trainingDistribution(groupBy: DIVISION) { key count credits learners }
      byInstitution: trainingDistribution(groupBy: INSTITUTION) { key count credits learners }
      demographics { ageBand gender type count credits learners }
      hotPrograms(limit: 50) { rank catalogItemCode name type learners outcomes credits }
      learningStars(limit: 50) { rank accountNo adminDivision credits outcomes }
      learningFamilies(limit: 50, minMembers: 1) { rank householdId adminDivision members activeMembers credits outcomes creditsPerMember }
      learningCommunities(limit: 50, minPopulation: 1) { rank division accounts participants participationRate credits creditsPerAccount outcomes }
      trainingReport(province: "33", period: $p) { summary { outcomes credits learners newAccounts }
        conversionYield { submitted approved rejected cancelled creditsConsumed approvalRate } topPrograms { catalogItemCode learners } }
    }`,
    { p: period },
    analyst,
  );
  const profiles = await graphqlOk(
    c.url.analytics,
    `query($r: [_Any!]!, $n: [_Any!]!) {
      learners: _entities(representations: $r) { ... on Learner { accountNo
        profile { totalCredits outcomes creditsByType { type credits outcomes } highestLevels { track level catalogItemCode }
          highestVocationalLevel recentActivity { at kind ref title credits } lastActiveAt ageBand segments }
        recommendations(limit: 10) { kind catalogItemCode title score } } }
      nodes: _entities(representations: $n) { ... on ServiceNode { id stats { accountsOpened outcomesDeposited conversionsSubmitted conversionsApproved } } }
    }`,
    { r: learners, n: nodeIds.map((id) => ({ __typename: 'ServiceNode', id })) },
    admin33,
  );
  const accounts = await graphqlOk(
    c.url.conversion,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { accountNo
      creditAccount { recognized reserved consumed available points { earned redeemed available }
        ledger(first: 100) { totalCount edges { node { kind recognized reserved consumed pointsEarned } } } } } } }`,
    { r: learners },
    admin33,
  );
  const outcomes = await graphqlOk(
    c.url.outcome,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { accountNo
      outcomes(first: 100) { totalCount edges { node { id status statusReason recognizedCredits points creditStandardVersion } } } } } }`,
    { r: learners },
    admin33,
  );
  return { rankings, profiles, accounts, outcomes };
}

it('duplicated (10 %) and reordered deliveries leave read models, ledger and claims identical to a clean run', async () => {
  const started = Date.now();
  const lap = (what: string) => process.stdout.write(`duplicated-reordered: ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  // ---- A: a real workload through the platform ------------------------------------------------
  platform = await startPlatform();
  const nsA = platform.ns;
  const gw = platform.gatewayUrl;
  const center = { token: tokens.centerAdmin('33') };
  lap('platform started');
  // B and C's consumers start meanwhile (they only wait for their topics and groups).
  const replayConsumers = Promise.all([startConsumers(), startConsumers()]);
  replayConsumers.catch(() => undefined); // awaited below
  await runSeed(serviceTestEnv(nsA, 'standards'));
  const accredited = seed(gw)
    .accreditedInstitution('school', { code: INST, name: '西湖区职业技能培训学校', adminDivision: '330106', outcomeTypes: ['VOCATIONAL'] })
    .run();
  const [world] = await Promise.all([
    seed(gw)
      .intakePoint('xihu', { adminDivision: '330106013', name: '西湖区回放受理点' })
      .intakePoint('zhuantang', { adminDivision: '330106002', name: '转塘回放受理点' })
      .run(),
    accredited,
  ]);
  const nodeIds = Object.values(world.nodes).map((n) => n.id);
  lap('institution and intake points');
  await graphqlOk(
    gw,
    `mutation($i: CreateStaffUserInput!) { createStaffUser(input: $i) { id } }`,
    {
      i: {
        username: 'op-replay-xihu',
        password: 'Operator-pass-2026',
        role: 'INTAKE_OPERATOR',
        province: '33',
        nodeId: world.nodes['xihu']!.id,
      },
    },
    center,
  );

  const rows = (people: typeof LEARNERS, ref: string, codes: string[]) =>
    people.flatMap((p, i) =>
      codes.slice(0, 2 + (i % 2)).map((code, j) => ({
        externalRef: `${ref}-${i}-${j}`,
        idNumber: p.idNumber,
        name: p.name,
        type: 'VOCATIONAL',
        catalogItemCode: code,
        title: `职业技能证书 ${code}`,
        hours: 120,
        achievedAt: `2025-0${1 + ((i + j) % 9)}-1${j}`,
      })),
    );
  const importRows = (batchRef: string, r: ReturnType<typeof rows>) =>
    eventually(
      async () => {
        const res = await graphqlOk<{ importOutcomes: { accepted: number } }>(
          gw,
          `mutation($b: String!, $rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: $b, rows: $rows) { accepted } }`,
          { b: batchRef, rows: r },
          { token: tokens.institutionAdmin(INST, '33') },
        );
        expect(res.importOutcomes.accepted).toBe(r.length);
      },
      { timeoutMs: 60_000 },
    );
  // Outcomes of people without an account yet: UNCLAIMED until their accounts are opened.
  await importRows('replay-unclaimed', rows(UNCLAIMED, 'u', ['VSC-ELEC-G5', 'VSC-COOK-G5', 'VSC-AGRI-G4']));
  const unclaimed = await mongo.db(nsA.dbName('outcome')).collection('outcomes').find({}).toArray();
  expect(unclaimed.length).toBe(7);
  expect(unclaimed.every((o) => o['status'] === 'UNCLAIMED')).toBe(true);
  for (const o of unclaimed) Object.assign(o, { _outbox: {}, _outboxCount: 0, _outboxWrite: null });

  const open = async (p: { idNumber: string; name: string }, i: number) => {
    const node = i % 2 ? world.nodes['zhuantang']! : world.nodes['xihu']!;
    const r = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
      gw,
      `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
      {
        i: {
          idNumber: p.idNumber,
          name: p.name,
          adminDivision: node === world.nodes['xihu'] ? '330106013' : '330106002',
          agreementVersion: '2026-01',
          householdId: `hh-replay-${i % 3}`,
        },
      },
      { token: tokens.operator(node.id) },
    );
    return r.openLearnerAccount.learner.accountNo;
  };
  lap('unclaimed imported');
  const accountNos: string[] = [];
  accountNos.push(...(await Promise.all(LEARNERS.map(open))));
  // The outcome service knows the accounts before the import, so these rows are recognised at once.
  await settled(nsA, PLATFORM_GROUPS, 0);
  await importRows('replay-known', rows(LEARNERS, 'k', ['VSC-ELEC-G5', 'VSC-ELEC-G4', 'VSC-ECOM-G5']));
  const claimedNos = await Promise.all(UNCLAIMED.map((p, i) => open(p, i + LEARNERS.length)));
  const [l0, l1, l2, l3, l4, l5] = accountNos as [string, string, string, string, string, string];
  lap('accounts opened');

  type Outcomes = { learner: { outcomes: { edges: Array<{ node: { id: string; status: string; recognizedCredits: number | null } }> } } };
  const recognisedOf = async (accountNo: string, atLeast: number) =>
    eventually(
      async () => {
        const r = await graphqlOk<Outcomes>(
          gw,
          `query($n: ID!) { learner(accountNo: $n) { outcomes(first: 20) { edges { node { id status recognizedCredits } } } } }`,
          { n: accountNo },
          center,
        );
        const ids = r.learner.outcomes.edges.filter((e) => e.node.status === 'RECOGNIZED').map((e) => e.node);
        expect(ids.length).toBeGreaterThanOrEqual(atLeast);
        return ids;
      },
      { timeoutMs: 60_000 },
    );

  // Declared by the learner: one approved, one rejected by the reviewer.
  const declare = (accountNo: string, code: string) =>
    graphqlOk<{ depositOutcome: { id: string; status: string } }>(
      gw,
      `mutation($i: DepositOutcomeInput!) { depositOutcome(input: $i) { id status } }`,
      {
        i: {
          accountNo,
          type: 'VOCATIONAL',
          catalogItemCode: code,
          title: `自述 ${code}`,
          hours: 60,
          achievedAt: '2025-11-02',
          evidence: ['证书照片'],
        },
      },
      { token: tokens.learner(accountNo) },
    );
  const declared0 = await declare(l0, 'VSC-CHILDCARE-G5');
  const declared1 = await declare(l1, 'VSC-ELDERCARE-G5');
  if (declared0.depositOutcome.status !== 'RECOGNIZED')
    await eventually(() =>
      graphqlOk(
        gw,
        `mutation($id: ID!) { reviewOutcome(id: $id, decision: APPROVE) { status } }`,
        { id: declared0.depositOutcome.id },
        center,
      ),
    );
  await graphqlOk(
    gw,
    `mutation($id: ID!) { reviewOutcome(id: $id, decision: REJECT, note: "材料不全") { status } }`,
    { id: declared1.depositOutcome.id },
    center,
  );

  // Account changes over time.
  await graphqlOk(
    gw,
    `mutation($n: ID!) { updateLearnerProfile(accountNo: $n, input: { householdId: "hh-replay-moved" }) { accountNo } }`,
    { n: l2 },
    center,
  );
  for (const [m, n] of [
    ['freezeLearnerAccount', l3],
    ['unfreezeLearnerAccount', l3],
    ['freezeLearnerAccount', l4],
  ] as const)
    await graphqlOk(gw, `mutation($n: ID!) { ${m}(accountNo: $n, reason: "回放测试") { accountNo } }`, { n }, center);

  // Revocations: an outcome recognised on import, and one recognised on a claim.
  const revoke = (id: string) =>
    graphqlOk(gw, `mutation($id: ID!) { revokeOutcome(id: $id, reason: "证书核查不实") { status } }`, { id }, center);
  await revoke((await recognisedOf(l5, 2))[0]!.id);
  await revoke((await recognisedOf(claimedNos[0]!, 2))[1]!.id);

  // A conversion rule; one conversion approved, one rejected automatically by a revocation.
  const rule = await graphqlOk<{ draftConversionRule: { id: string } }>(
    gw,
    `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id } }`,
    {
      i: {
        name: '职业技能证书置换电气模块',
        creditsRequired: 1,
        source: { types: ['VOCATIONAL'], withinYears: 5 },
        target: { kind: 'MODULE_EXEMPTION', institutionCode: UNIVERSITY, courseCode: 'EE-2031', courseName: '电气控制技术', credits: 4 },
      },
    },
    { token: tokens.universityPartner(UNIVERSITY) },
  );
  const ruleId = rule.draftConversionRule.id;
  await graphqlOk(gw, `mutation($id: ID!) { publishConversionRule(id: $id) { status } }`, { id: ruleId }, center);
  const submit = async (accountNo: string, outcomeIds: string[], key: string) =>
    eventually(
      () =>
        graphqlOk<{ submitConversion: { id: string } }>(
          gw,
          `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id } }`,
          { i: { accountNo, ruleId, outcomeIds, idempotencyKey: key } },
          { token: tokens.learner(accountNo) },
        ),
      { timeoutMs: 60_000 },
    );
  const approvedApp = await submit(l0, [(await recognisedOf(l0, 3))[0]!.id], 'replay-0');
  await graphqlOk(
    gw,
    `mutation($id: ID!) { preliminaryReview(id: $id, approve: true) { status } }`,
    { id: approvedApp.submitConversion.id },
    { token: tokens.operator(world.nodes['xihu']!.id) },
  );
  await graphqlOk(
    gw,
    `mutation($id: ID!) { decideConversion(id: $id, approve: true) { status } }`,
    { id: approvedApp.submitConversion.id },
    { token: tokens.universityPartner(UNIVERSITY) },
  );
  const l1Outcome = (await recognisedOf(l1, 2))[0]!.id;
  await submit(l1, [l1Outcome], 'replay-1');
  await revoke(l1Outcome);

  // A learning project at the intake point; two enrolments, one cancelled.
  const project = await graphqlOk<{ publishLearningProject: { id: string } }>(
    gw,
    `mutation($i: LearningProjectInput!) { publishLearningProject(input: $i) { id } }`,
    {
      i: {
        nodeId: world.nodes['xihu']!.id,
        title: '电工安全回放班',
        startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        capacity: 10,
      },
    },
    { token: tokens.operator(world.nodes['xihu']!.id) },
  );
  for (const n of [l0, l2])
    await eventually(() =>
      graphqlOk(
        gw,
        `mutation($p: ID!, $a: ID!) { enrolInLearningProject(projectId: $p, accountNo: $a) { id } }`,
        { p: project.publishLearningProject.id, a: n },
        { token: tokens.learner(n) },
      ),
    );
  await graphqlOk(
    gw,
    `mutation($p: ID!, $a: ID!) { cancelEnrolment(projectId: $p, accountNo: $a) { id } }`,
    { p: project.publishLearningProject.id, a: l2 },
    { token: tokens.learner(l2) },
  );
  lap('workload done');

  // Everything published and applied in A; then capture every event.
  await settled(nsA, PLATFORM_GROUPS, 2_000);
  const tap = await tapTopics(ALL_TOPICS.map((t) => nsA.topicPrefix + t));
  let expected = 0;
  for (const t of ALL_TOPICS) for (const h of (await highWatermarks(nsA, t)).values()) expected += Number(h);
  await eventually(() => expect(tap.messages.length).toBe(expected), { timeoutMs: 60_000 });
  await tap.stop();
  const captured: Captured[] = tap.messages.map((m) => {
    expect(m.event).not.toBeNull();
    return {
      topic: m.topic.slice(nsA.topicPrefix.length) as TopicName,
      partition: m.partition,
      key: m.key,
      value: m.raw!,
      headers: m.headers,
      id: m.event!.id,
      type: m.event!.type,
      time: m.event!.time,
    };
  });
  const analyticsA = await dump(nsA, 'analytics');
  const types = new Set(captured.map((m) => m.type));
  for (const t of [
    'creditbank.learner.account-opened.v1',
    'creditbank.learner.account-frozen.v1',
    'creditbank.learner.profile-updated.v1',
    'creditbank.institution.registered.v1',
    'creditbank.catalog-item.published.v1',
    'creditbank.credit-standard.published.v1',
    'creditbank.outcome.deposited.v1',
    'creditbank.outcome.recognized.v1',
    'creditbank.outcome.rejected.v1',
    'creditbank.outcome.revoked.v1',
    'creditbank.outcome.claimed.v1',
    'creditbank.points.awarded.v1',
    'creditbank.conversion.approved.v1',
    'creditbank.conversion.rejected.v1',
    'creditbank.learning-project.enrolment-cancelled.v1',
    'creditbank.operator.assigned.v1',
  ])
    expect([...types]).toContain(t);
  await platform.stop();
  platform = undefined;
  await admins.get(nsA.id)?.disconnect();
  admins.delete(nsA.id);
  lap(`captured ${captured.length} events of ${types.size} types`);

  // ---- the clean order: per partition as published, partitions merged by event time ---------------
  const queues = new Map<string, Captured[]>();
  for (const m of captured) queues.set(`${m.topic}/${m.partition}`, [...(queues.get(`${m.topic}/${m.partition}`) ?? []), m]);
  const clean: Captured[] = [];
  while (clean.length < captured.length) {
    const next = [...queues.values()].filter((q) => q.length).sort((x, y) => x[0]!.time.localeCompare(y[0]!.time))[0]!;
    clean.push(next.shift()!);
  }
  const stages = [clean.filter((m) => m.topic === TOPICS.standards), clean.filter((m) => m.topic !== TOPICS.standards)];

  // ---- C's deliveries: shuffled across keys, 10 % twice, then the crash window -----------------------
  const random = rng(SEED);
  let duplicated = 0;
  let crossKeyInversions = 0;
  const messy = stages.map((stage) => {
    const shuffled = interleave(stage, random);
    crossKeyInversions += inversions(stage, shuffled);
    const d = withDuplicates(shuffled, DUPLICATE_RATE, random);
    duplicated += d.duplicated;
    return d.out;
  });
  const byKey = new Map<string, Captured[]>();
  for (const m of clean) byKey.set(keyOf(m), [...(byKey.get(keyOf(m)) ?? []), m]);
  const crashed = [...byKey.values()].flatMap((q) => {
    const from = q.findIndex(() => random() < CRASH_RATE);
    return from < 0 ? [] : q.slice(from);
  });
  const redelivered = interleave(crashed, random);
  process.stdout.write(
    `duplicated-reordered: C = ${clean.length} events shuffled (${crossKeyInversions} cross-key pairs inverted), ${duplicated} delivered twice, ` +
      `then ${redelivered.length} redelivered after their inbox records were removed\n`,
  );
  expect(duplicated).toBeGreaterThan(clean.length * DUPLICATE_RATE * 0.5);
  expect(crossKeyInversions).toBeGreaterThan(0);
  expect(redelivered.length).toBeGreaterThan(0);

  // ---- B and C: the same consumers, fed the same events -----------------------------------------
  const [b, c] = await replayConsumers;
  for (const r of [b, c]) await mongo.db(r.ns.dbName('outcome')).collection('outcomes').insertMany(structuredClone(unclaimed));
  await Promise.all([
    (async () => {
      for (const stage of stages) {
        await deliver(b.ns, stage);
        await settled(b.ns, GROUPS, 0);
      }
    })(),
    (async () => {
      for (const stage of messy) {
        await deliver(c.ns, stage);
        await settled(c.ns, GROUPS, 0);
      }
      expect(
        await forgetInbox(
          c.ns,
          redelivered.map((m) => m.id),
        ),
      ).toBeGreaterThan(0);
      await deliver(c.ns, redelivered);
      await settled(c.ns, GROUPS, 0);
    })(),
  ]);
  lap('replays settled');

  // ---- B = C, and B's read models = A's ------------------------------------------------------------
  for (const service of ['analytics', 'conversion', 'outcome']) {
    const [cleanDump, messyDump] = [await dump(b.ns, service), await dump(c.ns, service)];
    process.stdout.write(
      `duplicated-reordered: ${service} documents compared: ${JSON.stringify(Object.fromEntries(Object.entries(cleanDump).map(([k, v]) => [k, v.length])))}\n`,
    );
    expect({ service, collections: messyDump }).toEqual({ service, collections: cleanDump });
  }
  const analyticsB = await dump(b.ns, 'analytics');
  expect(analyticsB).toEqual(analyticsA);
  // The replay built a populated world (the comparison is not between two empty databases).
  const conversionB = await dump(b.ns, 'conversion');
  expect(conversionB['credit_accounts']).toHaveLength(accountNos.length + claimedNos.length);
  expect(conversionB['ledger_entries']!.length).toBeGreaterThan(20);
  const claimedInB = (await dump(b.ns, 'outcome'))['outcomes']!.filter((o) => (o as { status: string }).status !== 'UNCLAIMED');
  expect(claimedInB).toHaveLength(unclaimed.length);

  const all = [...accountNos, ...claimedNos];
  const answersB = await answers(b, all, nodeIds);
  const answersC = await answers(c, all, nodeIds);
  expect(answersC).toEqual(answersB);
  const stars = (answersB as { rankings: { learningStars: unknown[] } }).rankings.learningStars;
  expect(stars.length).toBeGreaterThan(5);
  lap('compared');
}, 240_000);
