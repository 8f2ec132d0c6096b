import { MongoClient } from 'mongodb';
import { TOPICS, type CloudEvent } from '@creditbank/contracts';
import { makeResidentId, makeUscc } from '@creditbank/identity';
import { main as account } from '@creditbank/account-service';
import { main as analytics } from '@creditbank/analytics-service';
import { main as conversion } from '@creditbank/conversion-service';
import { main as intakeNetwork } from '@creditbank/intake-network-service';
import { main as outcome } from '@creditbank/outcome-service';
import { main as standards } from '@creditbank/standards-service';
import { runSeed } from '@creditbank/standards-service/seed';
import type { StartedService } from '@creditbank/server';
import { createTestNamespace, eventually, graphqlOk, serviceTestEnv, tapTopics, testInfra, tokens } from '@creditbank/testing';
import { freePort, spawnService, type ServiceProcess } from '../support/process';

/**
 * The outbox's promise under a crash, for every service that publishes events: each commits a
 * representative state change through its GraphQL API while its relay is off (so the events can only
 * wait in the changed document, which the test checks), is SIGKILLed, and restarts with the relay on.
 * Each pending event must then appear on its topic exactly once, the outboxes must be cleared, and a
 * real consumer must apply it exactly once:
 *
 *   account          openLearnerAccount   → analytics counts the opening at the operator's node
 *   intake-network   openServiceNode      → analytics applies it once (consumer metric)
 *   standards        publishCatalogItem   → the outcome service stores the item once (projection, consumer metric)
 *   outcome          depositOutcome       → conversion books its credits once (ledger); the analytics profile counts it
 *   conversion       submitConversion     → analytics counts the application at the operator's node
 *
 * and the analytics consumer (running throughout) applied each of these events exactly once.
 *
 * Prerequisites (catalogue and credit standard, an accredited institution, a learner with a
 * recognised outcome, a published conversion rule) are seeded first through the services running in
 * this process with their relays on. The first life of each publisher is a child process (compiled
 * code, `npx tsc -b` first) so that it can be SIGKILLed; the second life runs in this process (same
 * code, a much faster start on a loaded machine).
 */
const PUBLISHERS = ['account', 'intake-network', 'standards', 'outcome', 'conversion'] as const;
type Publisher = (typeof PUBLISHERS)[number];
const SEEDERS = ['account', 'standards', 'outcome', 'conversion'] as const satisfies readonly Publisher[];
type Seeder = (typeof SEEDERS)[number];
const IN_PROCESS = { account, 'intake-network': intakeNetwork, standards, outcome, conversion } as const;
const TOPIC: Record<Publisher, string> = {
  account: TOPICS.account,
  'intake-network': TOPICS.network,
  standards: TOPICS.standards,
  outcome: TOPICS.outcome,
  conversion: TOPICS.conversion,
};

const ns = createTestNamespace();
const INST = makeUscc('330106', 77077);
const UNIVERSITY = makeUscc('330106', 66066);
const learnerId = makeResidentId('330106', '1972-07-07', 31);
const NODE = { seed: 'sn-oc-seed', account: 'sn-oc-account', outcome: 'sn-oc-outcome', conversion: 'sn-oc-conversion' };
const NEW_ITEM = '33-OCRASH-101';

let analyticsService: StartedService | undefined;
const inProcess: StartedService[] = [];
const children: Partial<Record<Publisher, ServiceProcess>> = {};
const mongo = new MongoClient(testInfra().mongodbUri);

afterAll(async () => {
  await Promise.all(Object.values(children).map((c) => c.kill('SIGKILL')));
  await Promise.all(inProcess.map((s) => s.runtime.stop()));
  await analyticsService?.runtime.stop();
  await mongo.close();
  await ns.cleanup();
});

/** A publisher as a child process with its relay off: its changes can only wait in its database. */
async function firstLife(p: Publisher): Promise<ServiceProcess> {
  return spawnService(p, serviceTestEnv(ns, p, { OUTBOX_RELAY_ENABLED: 'false' }), await freePort());
}

interface Pending {
  id: string;
  topic: string;
  type: string;
}

/** Every event waiting in an outbox of the service's database. */
async function pendingEvents(service: Publisher): Promise<Pending[]> {
  const db = mongo.db(ns.dbName(service));
  const out: Pending[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await db
      .collection(name)
      .find({ _outboxCount: { $gt: 0 } }, { projection: { _outbox: 1 } })
      .toArray();
    for (const doc of docs)
      for (const entry of Object.values((doc['_outbox'] ?? {}) as Record<string, { id: string; topic: string; value: string }>))
        out.push({
          id: entry.id,
          topic: entry.topic,
          type: (JSON.parse(entry.value) as CloudEvent).type,
        });
  }
  return out;
}

/** A counter of the analytics service's /metrics (0 when the series does not exist yet). */
async function analyticsMetric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(new URL('/metrics', analyticsService!.url))).text();
  return sumSeries(text, name, labels);
}

function sumSeries(metrics: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const nodeStats = async (nodeId: string) =>
  (
    await graphqlOk<{ _entities: Array<{ stats: { accountsOpened: number; outcomesDeposited: number; conversionsSubmitted: number } }> }>(
      analyticsService!.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceNode { stats { accountsOpened outcomesDeposited conversionsSubmitted } } } }`,
      { r: [{ __typename: 'ServiceNode', id: nodeId }] },
      { token: tokens.analyst('33') },
    )
  )._entities[0]!.stats;

const profileOutcomes = async (accountNo: string) =>
  (
    await graphqlOk<{ _entities: Array<{ profile: { outcomes: number } }> }>(
      analyticsService!.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { profile { outcomes } } } }`,
      { r: [{ __typename: 'Learner', accountNo }] },
      { token: tokens.learner(accountNo) },
    )
  )._entities[0]!.profile.outcomes;

type CreditView = { recognized: number; reserved: number; ledger: { edges: Array<{ node: { kind: string; outcomeIds: string[] } }> } };
const creditAccount = async (url: string, accountNo: string) =>
  (
    await graphqlOk<{ _entities: Array<{ creditAccount: CreditView }> }>(
      url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Learner { creditAccount { recognized reserved ledger(first: 50) { edges { node { kind outcomeIds } } } } } } }`,
      { r: [{ __typename: 'Learner', accountNo }] },
      { token: tokens.learner(accountNo) },
    )
  )._entities[0]!.creditAccount;

it('every publishing service: a change committed before a SIGKILL is published once after restart and applied once', async () => {
  // ---- Prerequisites, seeded through the services running in this process with their relays on. ----
  analyticsService = await analytics(serviceTestEnv(ns, 'analytics')); // also creates the topics
  const tap = await tapTopics(PUBLISHERS.map((p) => ns.topicPrefix + TOPIC[p]));
  // The intake network is no prerequisite: its first life starts at once.
  const networkChild = firstLife('intake-network');
  networkChild.catch(() => undefined); // awaited below
  const started = await Promise.all(SEEDERS.map((p) => IN_PROCESS[p](serviceTestEnv(ns, p))));
  inProcess.push(...started);
  const url = Object.fromEntries(SEEDERS.map((p, i) => [p, started[i]!.url])) as Record<Seeder, string>;
  await runSeed(serviceTestEnv(ns, 'standards'));
  const centre = { token: tokens.centerAdmin('33') };
  await graphqlOk(
    url.account,
    `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }`,
    { i: { code: INST, name: '浙江省农村实用技术培训学校', category: 'VOCATIONAL_TRAINING', province: '33', adminDivision: '330106' } },
    centre,
  );
  await eventually(
    () =>
      graphqlOk(
        url.standards,
        `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }`,
        { i: { institutionCode: INST, outcomeTypes: ['VOCATIONAL'], bulkDeposit: true, validUntil: '2030-12-31' } },
        centre,
      ),
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  const l1 = (
    await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
      url.account,
      `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
      { i: { idNumber: learnerId, name: '钱多学', adminDivision: '330106', agreementVersion: '2026-01' } },
      { token: tokens.operator(NODE.seed) },
    )
  ).openLearnerAccount.learner.accountNo;
  const DEPOSIT = `mutation($i: DepositOutcomeInput!) { depositOutcome(input: $i) { id status recognizedCredits } }`;
  type Deposited = { depositOutcome: { id: string; status: string; recognizedCredits: number } };
  const deposit = (token: string, catalogItemCode: string, title: string) =>
    graphqlOk<Deposited>(
      url.outcome,
      DEPOSIT,
      { i: { accountNo: l1, type: 'VOCATIONAL', catalogItemCode, title, hours: 120, achievedAt: '2025-06-15', institutionCode: INST } },
      { token },
    );
  // Recognised at once once the outcome service knows the learner, the catalogue and the accreditation.
  const o1 = (
    await eventually(
      async () => {
        const d = await deposit(tokens.operator(NODE.seed), 'VSC-ELEC-G5', '电工五级培训');
        expect(d.depositOutcome.status).toBe('RECOGNIZED');
        return d;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    )
  ).depositOutcome;
  const ruleId = (
    await graphqlOk<{ draftConversionRule: { id: string } }>(
      url.conversion,
      `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id } }`,
      {
        i: {
          name: '电工证书置换电工实训模块',
          creditsRequired: o1.recognizedCredits,
          source: { types: ['VOCATIONAL'], withinYears: 5 },
          target: { kind: 'MODULE_EXEMPTION', institutionCode: UNIVERSITY, courseCode: 'EE-1001', courseName: '电工实训', credits: 2 },
        },
      },
      { token: tokens.universityPartner(UNIVERSITY) },
    )
  ).draftConversionRule.id;
  await graphqlOk(url.conversion, `mutation($id: ID!) { publishConversionRule(id: $id) { status } }`, { id: ruleId }, centre);
  // The conversion service has the recognised credits (from the outcome service's events).
  await eventually(
    async () => {
      const sim = await graphqlOk<{ simulateConversion: { eligible: boolean } }>(
        url.conversion,
        `query($n: ID!, $r: ID!) { simulateConversion(accountNo: $n, ruleId: $r) { eligible } }`,
        { n: l1, r: ruleId },
        { token: tokens.learner(l1) },
      );
      expect(sim.simulateConversion.eligible).toBe(true);
    },
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  await eventually(async () => expect(await profileOutcomes(l1)).toBe(1), { timeoutMs: 30_000, intervalMs: 300 });
  const creditsBefore = await creditAccount(url.conversion, l1);
  // ---- First life: the five publishers as processes with the relay off; one change each. ----
  // (They load while the seeding services stop; no change is made before both are done.)
  await Promise.all([
    ...inProcess.splice(0).map((s) => s.runtime.stop()),
    ...SEEDERS.map((p) => firstLife(p).then((c) => (children[p] = c))),
    networkChild.then((c) => (children['intake-network'] = c)),
  ]);
  const gql = (p: Publisher) => `${children[p]!.baseUrl}/graphql`;
  const [l2, nodeId, , o2, applicationId] = await Promise.all([
    graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
      gql('account'),
      `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
      { i: { idNumber: makeResidentId('330106', '1966-03-03', 71), name: '赵六', adminDivision: '330106', agreementVersion: '2026-01' } },
      { token: tokens.operator(NODE.account) },
    ).then((r) => r.openLearnerAccount.learner.accountNo),
    graphqlOk<{ openServiceNode: { id: string } }>(
      gql('intake-network'),
      `mutation($i: OpenServiceNodeInput!) { openServiceNode(input: $i) { id } }`,
      { i: { kind: 'CENTER', adminDivision: '330000', name: '浙江终身教育学分银行管理中心' } },
      centre,
    ).then((r) => r.openServiceNode.id),
    (async () => {
      await graphqlOk(
        gql('standards'),
        `mutation($i: CatalogItemInput!) { upsertCatalogItem(input: $i) { code } }`,
        { i: { code: NEW_ITEM, name: '乡村旅游接待实务', type: 'NON_ACADEMIC', hours: 32, standardCredits: 1 } },
        centre,
      );
      await graphqlOk(gql('standards'), `mutation($c: ID!) { publishCatalogItem(code: $c) { status } }`, { c: NEW_ITEM }, centre);
    })(),
    graphqlOk<Deposited>(
      gql('outcome'),
      DEPOSIT,
      {
        i: {
          accountNo: l1,
          type: 'VOCATIONAL',
          catalogItemCode: 'VSC-ELEC-G4',
          title: '电工四级培训',
          hours: 160,
          achievedAt: '2025-09-20',
          institutionCode: INST,
        },
      },
      { token: tokens.operator(NODE.outcome) },
    ).then((r) => r.depositOutcome),
    graphqlOk<{ submitConversion: { id: string } }>(
      gql('conversion'),
      `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id } }`,
      { i: { accountNo: l1, ruleId, outcomeIds: [o1.id], idempotencyKey: 'outbox-crash-1' } },
      { token: tokens.operator(NODE.conversion) },
    ).then((r) => r.submitConversion.id),
  ]);
  expect(o2.status).toBe('RECOGNIZED');

  // Each change is committed with its events waiting in the changed document.
  const expected: Record<Publisher, { type: string; ref: string }[]> = {
    account: [{ type: 'creditbank.learner.account-opened.v1', ref: l2 }],
    'intake-network': [{ type: 'creditbank.service-node.opened.v1', ref: nodeId }],
    standards: [{ type: 'creditbank.catalog-item.published.v1', ref: NEW_ITEM }],
    outcome: [
      { type: 'creditbank.outcome.deposited.v1', ref: o2.id },
      { type: 'creditbank.outcome.recognized.v1', ref: o2.id },
    ],
    conversion: [{ type: 'creditbank.conversion.submitted.v1', ref: applicationId }],
  };
  const pending = Object.fromEntries(await Promise.all(PUBLISHERS.map(async (p) => [p, await pendingEvents(p)] as const))) as Record<
    Publisher,
    Pending[]
  >;
  for (const p of PUBLISHERS) {
    for (const { type } of expected[p])
      expect({ service: p, types: pending[p].map((e) => e.type) }).toEqual({ service: p, types: expect.arrayContaining([type]) });
    for (const e of pending[p]) expect(e.topic).toBe(TOPIC[p]);
  }
  const pendingIds = PUBLISHERS.flatMap((p) => pending[p].map((e) => e.id));

  // SIGKILL between the commit and the relay: killed, not exited; nothing reached Kafka.
  const codes = await Promise.all(PUBLISHERS.map((p) => children[p]!.kill('SIGKILL')));
  expect(codes).toEqual(PUBLISHERS.map(() => null));
  expect(tap.messages.filter((m) => m.event && pendingIds.includes(m.event.id))).toEqual([]);

  // What the analytics consumer (running throughout) has applied of these types so far.
  const group = `${ns.topicPrefix}analytics.read-models`;
  const types = PUBLISHERS.flatMap((p) => expected[p].map((e) => e.type));
  const applied = async () =>
    Object.fromEntries(
      await Promise.all(
        types.map(
          async (type) => [type, await analyticsMetric('creditbank_events_consumed_total', { group, type, result: 'applied' })] as const,
        ),
      ),
    );
  const baseline = await applied();
  const appliedSinceCrash = async () => {
    const now = await applied();
    return Object.fromEntries(types.map((t) => [t, now[t]! - baseline[t]!]));
  };
  const once = Object.fromEntries(types.map((t) => [t, 1]));

  // ---- Second life: restarted with the relay on (in this process: the same code, started faster). ----
  const restarted = await Promise.all(PUBLISHERS.map((p) => IN_PROCESS[p](serviceTestEnv(ns, p))));
  inProcess.push(...restarted);
  const after = Object.fromEntries(PUBLISHERS.map((p, i) => [p, restarted[i]!.url])) as Record<Publisher, string>;
  const onTopic = (id: string) => tap.messages.filter((m) => m.event?.id === id);
  await eventually(() => expect(pendingIds.filter((id) => onTopic(id).length === 0)).toEqual([]), { timeoutMs: 30_000 });
  for (const p of PUBLISHERS)
    for (const { type, ref } of expected[p]) {
      const events = tap.events(type).filter((e) => JSON.stringify(e.data).includes(`"${ref}"`) && pending[p].some((x) => x.id === e.id));
      expect({ service: p, type, published: events.length }).toEqual({ service: p, type, published: 1 });
    }
  // The outboxes are cleared.
  await eventually(async () => expect((await Promise.all(PUBLISHERS.map(pendingEvents))).flat()).toEqual([]), { timeoutMs: 20_000 });

  // ---- Each consumer applied its event exactly once. ----
  await eventually(
    async () => {
      expect(await nodeStats(NODE.account)).toMatchObject({ accountsOpened: 1 }); // account → analytics
      expect(await profileOutcomes(l1)).toBe(2); // outcome → analytics (O1 before the crash, O2 after)
      expect(await nodeStats(NODE.conversion)).toMatchObject({ conversionsSubmitted: 1 }); // conversion → analytics
      expect(await appliedSinceCrash()).toEqual(once); // every service's events → analytics, one application each
    },
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  // outcome → conversion: the new outcome's credits are booked once, beside the pending reservation.
  const credits = await eventually(
    async () => {
      const c = await creditAccount(after.conversion, l1);
      expect(c.ledger.edges.filter((e) => e.node.outcomeIds.includes(o2.id) && e.node.kind === 'RECOGNIZED')).toHaveLength(1);
      return c;
    },
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  expect(credits.recognized).toBeCloseTo(creditsBefore.recognized + o2.recognizedCredits, 5);
  expect(credits.reserved).toBeCloseTo(o1.recognizedCredits, 5);
  // standards → outcome: the new catalogue item is stored once by the restarted outcome service.
  await eventually(
    async () => {
      const metrics = await (await fetch(new URL('/metrics', after.outcome))).text();
      expect(
        sumSeries(metrics, 'creditbank_events_consumed_total', { type: 'creditbank.catalog-item.published.v1', result: 'applied' }),
      ).toBe(1);
    },
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  const copies = await mongo.db(ns.dbName('outcome')).collection('catalog_items').countDocuments({ code: NEW_ITEM });
  expect(copies).toBe(1);
  // Settled: nothing more is applied or published later.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await nodeStats(NODE.account)).toMatchObject({ accountsOpened: 1 });
  expect(await appliedSinceCrash()).toEqual(once);
  for (const id of pendingIds) expect(onTopic(id)).toHaveLength(1);

  await tap.stop();
}, 300_000);
