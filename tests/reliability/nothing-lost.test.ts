import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Document } from 'mongodb';
import { ConversionSubmitted, LearnerAccountOpened, OutcomeDeposited, RewardRedeemed, TOPICS } from '@creditbank/contracts';
import { makeUscc } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, seed, tapTopics, tokens } from '@creditbank/testing';
import {
  accountsByIdNumber,
  checkHistory,
  eventIdsBy,
  idNumberFor,
  postGraphql,
  recordCall,
  steadyLoad,
  type CallRecord,
} from '../support/history-checker';
import {
  privateServiceEnv,
  startPrivateInfra,
  startPrivatePlatform,
  type PrivateInfra,
  type PrivatePlatform,
} from '../support/private-infra';
import { freePort, spawnService, type ServiceProcess } from '../support/process';

/**
 * The "nothing lost" check. A mixed workload goes through the gateway — intake operators open
 * accounts (natural key: the ID number), an institution imports outcomes one row at a time (key:
 * externalRef), which the conversion service turns into ledger entries and points, and learners
 * submit conversion applications and redeem points for a reward (key: their idempotency key) — while
 * three faults hit it in turn: the conversion service (its own OS process, compiled code) is
 * SIGKILLed while a conversion call is in flight and restarted on the same port; the private
 * database is stopped for ~7 s (longer than the client's 6 s deadline); then the private broker for
 * ~6 s. Every call is recorded with what the client saw; calls left in doubt are retried with the
 * same key and input, as a careful client does. Then the history checker: every acknowledged call
 * has exactly one effect and one event; every in-doubt one is wholly there or wholly absent; a
 * retry gives the same thing (the same application, the same redemption), not a second one; each
 * credit account's balances are the fold of its ledger entries and never negative; the reward's
 * stock went down by exactly what was redeemed.
 */
// ~50 s alone and ~95 s beside another heavy test file on this 2-core machine; the phases printed in
// afterAll say where the time went if a run ever nears the limit.
jest.setTimeout(300_000);

let infra: PrivateInfra | undefined;
let platform: PrivatePlatform | undefined;
/** The conversion service as a child process (SIGKILLed and restarted by the test). */
let conversion: ServiceProcess | undefined;
let conversionPort = 0;
let conversionEnv: Record<string, string> = {};

const INST = makeUscc('330106', 77077);
const NODE = 'sn-nothing-lost';
const CODES = ['VSC-ELEC-G4', 'VSC-ELEC-G5', 'VSC-COOK-G5'];
/**
 * The client's deadline: shorter than the database outage, so calls waiting for the database are
 * abandoned by the client (in doubt) while the service may still complete them after the restart.
 */
const DEADLINE_MS = 6_000;
const OPEN = `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`;
const IMPORT = `mutation($b: String!, $rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: $b, rows: $rows) { accepted duplicates rejected errors { code message } } }`;
const CONVERT = `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id status outcomeIds } }`;
const REDEEM = `mutation($n: ID!, $c: ID!, $q: Int!, $k: String!) { redeemReward(accountNo: $n, itemCode: $c, quantity: $q, idempotencyKey: $k) { id pointsSpent } }`;
const QUERY: Record<Op, string> = { openLearnerAccount: OPEN, importOutcomes: IMPORT, submitConversion: CONVERT, redeemReward: REDEEM };
/** Learners who receive the imported outcomes (opened before the load), convert them and redeem points. */
const HOLDERS = [0, 1, 2].map((i) => ({ idNumber: idNumberFor(5000 + i), name: '周建国' }));
/** Outcomes imported per holder before the load: each conversion of the load reserves one of them. */
const POOL_PER_HOLDER = 8;
const ITEM = 'NL-CARD-TOPUP';
const STOCK = 10_000;
/** The holders' account numbers, their recognised outcomes free for conversion, and the rule. */
const holderNos: string[] = [];
const pool = new Map<string, string[]>();
let ruleId = '';

const conversionDbName = () => conversionEnv['MONGODB_DB']!;

/**
 * When each phase began (ms since the file started) and the last call history: printed in afterAll
 * whether the test passed or not, so a run that overruns its time says where the time went.
 */
const fileStart = Date.now();
const phases: Array<[string, number]> = [];
const phase = (name: string) => phases.push([name, Date.now() - fileStart]);
let lastHistory: CallRecord[] = [];

beforeAll(async () => {
  phase('infra');
  infra = await startPrivateInfra('nothing-lost');
  conversionPort = await freePort();
  phase('platform');
  platform = await startPrivatePlatform(infra, ['account', 'standards', 'outcome'], {
    external: { conversion: `http://127.0.0.1:${conversionPort}/graphql` },
  });
  // Warnings of the conversion process are summarised in afterAll (its output is not the test's).
  conversionEnv = { ...privateServiceEnv(infra, platform.ns, 'conversion'), LOG_LEVEL: 'warn' };
  phase('conversion-spawn');
  conversion = await spawnService('conversion', conversionEnv, conversionPort);
  phase('standards-seed');
  await runSeed(privateServiceEnv(infra, platform.ns, 'standards'));
  const gw = platform.gatewayUrl;
  const admin = { token: tokens.centerAdmin('33') };
  const institution = { token: tokens.institutionAdmin(INST, '33') };
  await seed(gw)
    .accreditedInstitution('chefs', { code: INST, name: '浙江省厨师技能培训中心', adminDivision: '330106', outcomeTypes: ['VOCATIONAL'] })
    .run();
  for (const h of HOLDERS)
    await graphqlOk(gw, OPEN, { i: { ...h, adminDivision: '330106', agreementVersion: '2026-01' } }, { token: tokens.operator(NODE) });
  // Outcome knows the institution, its accreditation, the catalogue and the learners before the load.
  phase('warmup-import');
  await eventually(
    async () => {
      const r = await graphqlOk<{ importOutcomes: { accepted: number; duplicates: number } }>(
        gw,
        IMPORT,
        { b: 'nl-warmup', rows: [row('nl-warmup', HOLDERS[0]!, 0)] },
        institution,
      );
      expect(r.importOutcomes.accepted + r.importOutcomes.duplicates).toBe(1);
    },
    { timeoutMs: 40_000 },
  );
  const nos = await accountsByIdNumber(
    platform.subgraphUrl.account!,
    tokens.operator(NODE),
    HOLDERS.map((h) => h.idNumber),
  );
  holderNos.push(...HOLDERS.map((h) => nos.get(h.idNumber)!));

  // The outcomes the load converts, a published rule they qualify under, a reward item worth 1 point.
  const poolRows = HOLDERS.flatMap((h, hi) => Array.from({ length: POOL_PER_HOLDER }, (_, k) => row(`nl-pool-${hi}-${k}`, h, k)));
  phase('pool-import');
  const imported = await graphqlOk<{ importOutcomes: { accepted: number } }>(gw, IMPORT, { b: 'nl-pool', rows: poolRows }, institution);
  expect(imported.importOutcomes.accepted).toBe(poolRows.length);
  const rule = await graphqlOk<{ draftConversionRule: { id: string } }>(
    gw,
    `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id } }`,
    {
      i: {
        name: '职业技能证书置换实训模块',
        creditsRequired: 0.5,
        source: { types: ['VOCATIONAL'] },
        target: { kind: 'MODULE_EXEMPTION', institutionCode: INST, courseCode: 'NL-101', courseName: '电工实训', credits: 2 },
      },
    },
    admin,
  );
  ruleId = rule.draftConversionRule.id;
  await graphqlOk(gw, `mutation($id: ID!) { publishConversionRule(id: $id) { status } }`, { id: ruleId }, admin);
  await graphqlOk(
    gw,
    `mutation($i: RewardItemInput!) { upsertRewardItem(input: $i) { code } }`,
    { i: { code: ITEM, name: '校园卡充值', kind: 'STUDENT_CARD_TOPUP', pointsCost: 1, stock: STOCK } },
    admin,
  );
  // The conversion service holds the pool (recognised, available) and the points it earned.
  phase('pool-wait');
  const mongo = await new MongoClient(infra.mongodbUri).connect();
  try {
    const recognisedPool = await mongo
      .db(platform.env.outcome!['MONGODB_DB'])
      .collection('outcomes')
      .find({ externalRef: { $regex: '^nl-pool-' }, status: 'RECOGNIZED' }, { projection: { _id: 1 } })
      .toArray();
    expect(recognisedPool.length).toBeGreaterThanOrEqual(POOL_PER_HOLDER);
    const wanted = new Set(recognisedPool.map((o) => String(o._id)));
    await eventually(
      async () => {
        const accounts = await mongo
          .db(conversionDbName())
          .collection('credit_accounts')
          .find({ _id: { $in: holderNos } } as Document)
          .toArray();
        let held = 0;
        for (const a of accounts) {
          const free = Object.entries(a['outcomes'] as Record<string, { state: string }>)
            .filter(([id, o]) => wanted.has(id) && o.state === 'AVAILABLE')
            .map(([id]) => id);
          pool.set(String(a._id), free);
          held += free.length;
          const b = a['balances'] as { pointsEarned: number };
          expect(b.pointsEarned).toBeGreaterThan(100);
        }
        expect(held).toBe(wanted.size);
      },
      { timeoutMs: 60_000 },
    );
  } finally {
    await mongo.close();
  }
});

afterAll(async () => {
  const codes = new Map<string, number>();
  for (const c of lastHistory) codes.set(`${c.op}:${c.code ?? 'ok'}`, (codes.get(`${c.op}:${c.code ?? 'ok'}`) ?? 0) + 1);
  console.log(
    `nothing-lost phases (s since start): ${phases.map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)}`).join(', ')}; ` +
      `${lastHistory.length} calls: ${[...codes].map(([k, n]) => `${k} ${n}`).join(', ')}`,
  );
  // What the conversion process (the restarted one) warned about, by message: e.g. a stalled database monitor.
  const warned = new Map<string, number>();
  for (const line of (conversion?.output() ?? '').split('\n')) {
    const m = /"level":"(warn|error|fatal)".*"msg":"([^"]{0,80})/.exec(line);
    if (m) warned.set(`${m[1]}: ${m[2]}`, (warned.get(`${m[1]}: ${m[2]}`) ?? 0) + 1);
  }
  if (warned.size) console.log(`nothing-lost: the conversion process logged ${[...warned].map(([k, n]) => `${n}× ${k}`).join('; ')}`);
  await platform?.stop();
  await conversion?.kill('SIGKILL');
  await infra?.destroy();
});

function row(externalRef: string, holder: { idNumber: string; name: string }, i: number) {
  return {
    externalRef,
    idNumber: holder.idNumber,
    name: holder.name,
    type: 'VOCATIONAL',
    catalogItemCode: CODES[i % CODES.length],
    title: `职业技能证书 ${externalRef}`,
    hours: 120,
    achievedAt: '2025-06-15',
  };
}

type Op = 'openLearnerAccount' | 'importOutcomes' | 'submitConversion' | 'redeemReward';
type Call = { op: Op; key: string; variables: Record<string, unknown>; token: string };
/** What the conversion service answers: the application or redemption a key stands for. */
type Answer = {
  submitConversion?: { id: string };
  redeemReward?: { id: string };
  importOutcomes?: { accepted: number; duplicates: number };
};

it('under a conversion-service SIGKILL, a database and a broker restart: every acknowledged call has one effect and one event, in-doubt ones are whole, ledgers fold', async () => {
  const p = platform!;
  const gw = p.gatewayUrl;
  phase('test');
  const history: CallRecord[] = [];
  lastHistory = history;
  const operator = tokens.operator(NODE);
  const institution = tokens.institutionAdmin(INST, '33');
  let poolEmpty = 0;
  /** The mix, per 6 calls: 2 openings, 2 imports, 1 conversion, 1 redemption (a redemption when the pool is used up). */
  const callFor = (i: number): Call => {
    const holder = Math.floor(i / 6) % HOLDERS.length;
    const accountNo = holderNos[holder]!;
    const slot = i % 6;
    if (slot === 0 || slot === 3) {
      const input = { idNumber: idNumberFor(i), name: '吴晓燕', adminDivision: '330106', agreementVersion: '2026-01' };
      return { op: 'openLearnerAccount', key: input.idNumber, variables: { i: input }, token: operator };
    }
    if (slot === 1 || slot === 4) {
      const ref = `nl-${i}`;
      return { op: 'importOutcomes', key: ref, variables: { b: `nlb-${i}`, rows: [row(ref, HOLDERS[holder]!, i)] }, token: institution };
    }
    const outcomeId = slot === 2 ? pool.get(accountNo)?.pop() : undefined;
    if (slot === 2 && !outcomeId) poolEmpty++;
    if (outcomeId) {
      const key = `nl-conv-${i}`;
      return {
        op: 'submitConversion',
        key,
        variables: { i: { accountNo, ruleId, outcomeIds: [outcomeId], idempotencyKey: key } },
        token: tokens.learner(accountNo),
      };
    }
    const key = `nl-redeem-${i}`;
    return { op: 'redeemReward', key, variables: { n: accountNo, c: ITEM, q: 1, k: key }, token: tokens.learner(accountNo) };
  };
  /** Conversion-service calls (keys) the client is waiting for: the SIGKILL waits for one. */
  const conversionInFlight = new Set<string>();
  const send = async (c: Call) => {
    const toConversion = c.op === 'submitConversion' || c.op === 'redeemReward';
    if (toConversion) conversionInFlight.add(c.key);
    try {
      return await recordCall(history, c.op, c.key, c.variables, DEADLINE_MS, (signal) =>
        postGraphql(gw, QUERY[c.op], c.variables, c.token, signal),
      );
    } finally {
      if (toConversion) conversionInFlight.delete(c.key);
    }
  };

  const t0 = Date.now();
  const calls = new Map<string, Call>();
  phase('load');
  const load = steadyLoad({
    durationMs: 30_000,
    perSecond: 3,
    next: (i) => {
      const c = callFor(i);
      calls.set(c.key, c);
      return send(c);
    },
  });
  // Fault 1: SIGKILL the conversion service while one of its writes is in flight, then start it again.
  await sleep(3_000);
  const waitUntil = Date.now() + 5_000;
  while (conversionInFlight.size === 0 && Date.now() < waitUntil) await sleep(5);
  await sleep(30); // past the gateway, inside the service
  const inFlightAtKill = [...conversionInFlight];
  const killedAt = Date.now();
  phase('sigkill');
  await conversion!.kill('SIGKILL');
  conversion = await spawnService('conversion', conversionEnv, conversionPort);
  const conversionUp = Date.now();
  // Fault 2: the database.
  await sleep(2_000);
  const dbDown = Date.now();
  phase('db-stop');
  await infra!.stop('ferretdb');
  await sleep(7_000);
  phase('db-start');
  await infra!.start('ferretdb');
  const dbUp = Date.now();
  // Fault 3: the broker.
  await sleep(3_000);
  const brokerDown = Date.now();
  phase('broker-stop');
  await infra!.stop('kafka');
  await sleep(6_000);
  phase('broker-start');
  await infra!.start('kafka');
  const brokerUp = Date.now();
  phase('load-drain');
  await load;
  const firstRound = history.length;
  const conversionOutage = history.filter(
    (c) => (c.op === 'submitConversion' || c.op === 'redeemReward') && c.startedAt + c.ms >= killedAt && c.startedAt <= conversionUp,
  );

  // A careful client retries what it does not know the fate of, with the same key and input.
  phase('retries');
  let retries = 0;
  for (let round = 0; round < 5; round++) {
    const last = new Map(history.map((c) => [c.key, c]));
    const open = [...last.values()].filter((c) => c.outcome === 'in-doubt');
    if (open.length === 0) break;
    phase(`retry round ${round + 1} (${open.map((c) => `${c.op}:${c.code ?? 'ok'}`).join(' ')})`);
    // Each in doubt on its own, all at once (as independent clients would): a round takes one deadline at most.
    retries += open.length;
    await Promise.all(open.map((c) => send(calls.get(c.key)!)));
    await sleep(2_000);
  }
  const unresolved = [...new Map(history.map((c) => [c.key, c])).values()].filter((c) => c.outcome === 'in-doubt');
  expect(unresolved).toEqual([]);
  // Nothing of this workload is refused by a rule: a refusal here would be a lost write in disguise.
  expect(history.filter((c) => c.outcome === 'rejected' && c.code !== 'CONFLICT')).toEqual([]);
  // A retried import answers "duplicate" (already there) or "accepted" (it was not): never both.
  for (const c of history.filter((x) => x.op === 'importOutcomes' && x.outcome === 'ok')) {
    const r = (c.result as Answer).importOutcomes!;
    expect(r.accepted + r.duplicates).toBe(1);
  }

  phase('tap');
  const tap = await tapTopics(
    [p.ns.topicPrefix + TOPICS.account, p.ns.topicPrefix + TOPICS.outcome, p.ns.topicPrefix + TOPICS.conversion],
    {
      brokers: infra!.kafkaBrokers,
    },
  );
  const mongo = await new MongoClient(infra!.mongodbUri).connect();
  try {
    const outcomeDb = mongo.db(p.env.outcome!['MONGODB_DB']);
    const conversionDb = mongo.db(conversionDbName());
    const openings = history.filter((c) => c.op === 'openLearnerAccount');
    phase('lookups');
    const stored = await accountsByIdNumber(
      p.subgraphUrl.account!,
      operator,
      openings.map((c) => c.key),
    );
    const imported = new Map<string, string[]>();
    for (const key of new Set(history.filter((c) => c.op === 'importOutcomes').map((c) => c.key))) {
      const docs = await outcomeDb
        .collection('outcomes')
        .find({ externalRef: key }, { projection: { _id: 1 } })
        .toArray();
      imported.set(
        key,
        docs.map((d) => String(d._id)),
      );
    }
    const creditAccounts = () =>
      conversionDb
        .collection('credit_accounts')
        .find({ _id: { $in: holderNos } } as Document)
        .toArray();
    type App = { id: string; idempotencyKey: string | null; accountNo: string; outcomeIds: string[]; submittedAt: string };
    type Redeemed = { id: string; quantity: number; at: string };
    // Applications by idempotency key (all of them, wherever they are), redemptions by the id their key names.
    const appsByKey = new Map<string, App[]>();
    const redemptions = new Map<string, Redeemed>();
    for (const a of await creditAccounts()) {
      for (const app of Object.values(a['applications'] as Record<string, App>))
        appsByKey.set(String(app.idempotencyKey), [...(appsByKey.get(String(app.idempotencyKey)) ?? []), app]);
      for (const r of Object.values(a['redemptions'] as Record<string, Redeemed>)) redemptions.set(r.id, r);
    }
    const redeemKeys = [...new Set(history.filter((c) => c.op === 'redeemReward').map((c) => c.key))];
    const redemptionOfKey = new Map<string, string>();
    for (const key of redeemKeys) {
      const accountNo = (calls.get(key)!.variables as { n: string }).n;
      const claim = await conversionDb.collection('idempotency_keys').findOne({ _id: `${accountNo}:${key}` } as Document);
      if (claim) redemptionOfKey.set(key, String(claim['resultId']));
    }
    const allApps = [...appsByKey.values()].flat();

    const accountEvents = () => eventIdsBy(tap.events(LearnerAccountOpened.type), 'accountNo');
    const outcomeEvents = () => eventIdsBy(tap.events(OutcomeDeposited.type), 'outcomeId');
    const submittedEvents = () => eventIdsBy(tap.events(ConversionSubmitted.type), 'applicationId');
    const redeemedEvents = () => eventIdsBy(tap.events(RewardRedeemed.type), 'redemptionId');
    const presentOutcomes = [...imported.values()].flat();
    phase('events-wait');
    await eventually(
      () => {
        expect([...stored.values()].filter((no) => !accountEvents().has(no))).toEqual([]);
        expect(presentOutcomes.filter((id) => !outcomeEvents().has(id))).toEqual([]);
        expect(allApps.filter((a) => !submittedEvents().has(a.id)).map((a) => a.id)).toEqual([]);
        expect([...redemptions.keys()].filter((id) => !redeemedEvents().has(id))).toEqual([]);
      },
      { timeoutMs: 60_000 },
    );

    phase('check');
    const report = await checkHistory(history, (op, key) => {
      switch (op) {
        case 'openLearnerAccount': {
          const no = stored.get(key);
          return { effects: no ? 1 : 0, events: no ? (accountEvents().get(no)?.size ?? 0) : 0 };
        }
        case 'importOutcomes': {
          const ids = imported.get(key) ?? [];
          return { effects: ids.length, events: ids.reduce((n, id) => n + (outcomeEvents().get(id)?.size ?? 0), 0) };
        }
        case 'submitConversion': {
          const apps = appsByKey.get(key) ?? [];
          return { effects: apps.length, events: apps.reduce((n, a) => n + (submittedEvents().get(a.id)?.size ?? 0), 0) };
        }
        default: {
          const id = redemptionOfKey.get(key);
          const there = id !== undefined && redemptions.has(id);
          return { effects: there ? 1 : 0, events: there ? (redeemedEvents().get(id)?.size ?? 0) : 0 };
        }
      }
    });
    expect(report.violations).toEqual([]);
    // A retry with the same key answers the same application / redemption as the one stored, never a second one.
    for (const c of history.filter((x) => x.outcome === 'ok')) {
      const r = c.result as Answer;
      if (c.op === 'submitConversion')
        expect({ key: c.key, id: r.submitConversion!.id }).toEqual({ key: c.key, id: appsByKey.get(c.key)?.[0]?.id });
      if (c.op === 'redeemReward') expect({ key: c.key, id: r.redeemReward!.id }).toEqual({ key: c.key, id: redemptionOfKey.get(c.key) });
    }
    // No event without its effect: accounts, applications and redemptions (for the accounts of this workload).
    const holders = await accountsByIdNumber(
      p.subgraphUrl.account!,
      operator,
      HOLDERS.map((h) => h.idNumber),
    );
    expect([...accountEvents().keys()].sort()).toEqual([...stored.values(), ...holders.values()].sort());
    expect([...submittedEvents().keys()].sort()).toEqual(allApps.map((a) => a.id).sort());
    expect([...redeemedEvents().keys()].sort()).toEqual([...redemptions.keys()].sort());
    // Every redemption is the one of exactly one key (no redemption that no key stands for).
    expect([...redemptions.keys()].sort()).toEqual([...redemptionOfKey.values()].filter((id) => redemptions.has(id)).sort());
    // An outcome is reserved by at most one application.
    const reservedOutcomes = allApps.flatMap((a) => a.outcomeIds);
    expect(new Set(reservedOutcomes).size).toBe(reservedOutcomes.length);

    // The reward's stock went down by exactly what was redeemed; nothing is held for a redemption that did not happen.
    const item = await conversionDb.collection('reward_items').findOne({ _id: `33:${ITEM}` } as Document);
    const redeemedQuantity = [...redemptions.values()].reduce((n, r) => n + r.quantity, 0);
    expect(item?.['stock']).toBe(STOCK - redeemedQuantity);
    expect(Object.keys((item?.['holds'] ?? {}) as Record<string, number>).filter((id) => !redemptions.has(id))).toEqual([]);

    // The conversion consumer and the writes: each recognised outcome recognised once, each application
    // reserved once, each redemption spent once; balances = fold of the ledger, never negative.
    const recognised = await outcomeDb
      .collection('outcomes')
      .find({ status: 'RECOGNIZED' }, { projection: { _id: 1 } })
      .toArray();
    expect(recognised.length).toBeGreaterThan(presentOutcomes.length / 2);
    phase('ledger-wait');
    await eventually(
      async () => {
        const accounts = await creditAccounts();
        expect(accounts).toHaveLength(HOLDERS.length);
        const entries = await conversionDb
          .collection('ledger_entries')
          .find({ accountNo: { $in: holderNos } })
          .toArray();
        const count = (
          kind: string,
          ref: (r: { outcomeIds: string[]; applicationId: string | null; redemptionId: string | null }) => string[],
        ) => {
          const n = new Map<string, number>();
          for (const e of entries.filter((x) => x['kind'] === kind))
            for (const id of ref(e['ref'] as never)) n.set(id, (n.get(id) ?? 0) + 1);
          return n;
        };
        const perOutcome = count('RECOGNIZED', (r) => r.outcomeIds);
        const perApplication = count('RESERVED', (r) => (r.applicationId ? [r.applicationId] : []));
        const perRedemption = count('POINTS_REDEEMED', (r) => (r.redemptionId ? [r.redemptionId] : []));
        expect(recognised.map((o) => perOutcome.get(String(o._id)) ?? 0).filter((n) => n !== 1)).toEqual([]);
        expect(allApps.map((a) => perApplication.get(a.id) ?? 0).filter((n) => n !== 1)).toEqual([]);
        expect([...redemptions.keys()].map((id) => perRedemption.get(id) ?? 0).filter((n) => n !== 1)).toEqual([]);
        expect(perApplication.size).toBe(allApps.length);
        expect(perRedemption.size).toBe(redemptions.size);
        for (const a of accounts) {
          const mine = entries.filter((e) => e['accountNo'] === a._id);
          expect(mine).toHaveLength(a['seq'] as number);
          const fold = { recognized: 0, reserved: 0, consumed: 0, pointsEarned: 0, pointsRedeemed: 0 };
          for (const e of mine)
            for (const k of Object.keys(fold) as Array<keyof typeof fold>) fold[k] += (e['delta'] as typeof fold)[k] ?? 0;
          expect(fold).toEqual(a['balances']);
          expect(Object.values(fold).filter((v) => v < 0)).toEqual([]);
          expect(fold.recognized - fold.reserved - fold.consumed).toBeGreaterThanOrEqual(0);
          expect(fold.pointsEarned - fold.pointsRedeemed).toBeGreaterThanOrEqual(0);
        }
      },
      { timeoutMs: 60_000 },
    );

    const byOp = (op: string) => history.filter((c) => c.op === op);
    // Keys whose first answer left the client in doubt, and whether the first call had in fact taken
    // effect (found by the retry: CONFLICT, an import duplicate, or an application / redemption
    // written before the retry was sent) or not (applied by the retry).
    const firstCalls = [...new Map([...history].reverse().map((c) => [c.key, c])).values()];
    const doubted = firstCalls.filter((c) => c.outcome === 'in-doubt');
    const retryOf = (key: string) => history.find((c) => c.key === key && c.outcome !== 'in-doubt');
    const writtenAt = (c: CallRecord): number | null => {
      if (c.op === 'submitConversion') {
        const app = appsByKey.get(c.key)?.[0];
        return app ? Date.parse(app.submittedAt) : null;
      }
      if (c.op === 'redeemReward') {
        const r = redemptions.get(redemptionOfKey.get(c.key) ?? '');
        return r ? Date.parse(r.at) : null;
      }
      return null;
    };
    const foundThere = doubted.filter((c) => {
      const retry = retryOf(c.key);
      if (!retry) return false;
      if (retry.code === 'CONFLICT' || (retry.result as Answer | undefined)?.importOutcomes?.duplicates === 1) return true;
      const at = writtenAt(c);
      return at !== null && at < retry.startedAt;
    }).length;
    const doubtedByOp = (op: string) => doubted.filter((c) => c.op === op).length;
    // The calls the SIGKILL interrupted: written before it (the answer was lost) or not at all (the retry wrote them).
    const killed = inFlightAtKill.map((key) => {
      const at = writtenAt(history.find((c) => c.key === key)!);
      return `${key}: ${at === null ? 'absent' : at < killedAt ? 'written before the kill' : 'written by the retry'}`;
    });
    console.log(
      `nothing-lost: ${firstRound} calls in ${((brokerUp - t0) / 1000).toFixed(0)}+ s (${byOp('openLearnerAccount').length} openings, ` +
        `${byOp('importOutcomes').length} imports, ${byOp('submitConversion').length} conversions, ${byOp('redeemReward').length} redemptions, incl. retries; ` +
        `${poolEmpty} conversions became redemptions, pool used up); ` +
        `conversion SIGKILLed with ${inFlightAtKill.length} of its calls in flight (${killed.join('; ')}), back ${((conversionUp - killedAt) / 1000).toFixed(1)} s later ` +
        `(${conversionOutage.length} conversion calls overlapped the outage: ${conversionOutage.filter((c) => c.outcome === 'ok').length} ok, ` +
        `${conversionOutage.filter((c) => c.outcome === 'in-doubt').length} in doubt [${[...new Set(conversionOutage.map((c) => c.code ?? 'ok'))].join(', ')}]); ` +
        `database down ${((dbUp - dbDown) / 1000).toFixed(1)} s, broker down ${((brokerUp - brokerDown) / 1000).toFixed(1)} s; ` +
        `${report.keys} keys: ${report.acknowledged} acknowledged, ${report.keys - report.acknowledged} not (retry: CONFLICT, already there); ` +
        `${doubted.length} left in doubt by their first call (openings ${doubtedByOp('openLearnerAccount')}, imports ${doubtedByOp('importOutcomes')}, ` +
        `conversions ${doubtedByOp('submitConversion')}, redemptions ${doubtedByOp('redeemReward')}): ${foundThere} found already there by the retry, ${doubted.length - foundThere} applied by it; ` +
        `${retries} retries; ${allApps.length} applications, ${redemptions.size} redemptions (stock ${STOCK} → ${String(item?.['stock'])}); ` +
        `${recognised.length} outcomes recognised once each in the ledger, balances = fold of ledger for ${HOLDERS.length} accounts; 0 violations`,
    );
  } finally {
    await mongo.close();
    await tap.stop();
  }
  phase('done');
});
