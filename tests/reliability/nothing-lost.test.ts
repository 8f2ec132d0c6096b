import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Document } from 'mongodb';
import { LearnerAccountOpened, OutcomeDeposited, TOPICS } from '@creditbank/contracts';
import { makeUscc } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, tapTopics, tokens } from '@creditbank/testing';
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

/**
 * The "nothing lost" check. A mixed workload goes through the gateway — intake operators open
 * accounts (natural key: the ID number) and an institution imports outcomes one row at a time
 * (key: externalRef), which the conversion service turns into ledger entries and points — while the
 * private database is stopped for ~7 s (longer than the client's 6 s deadline) and then the private broker for ~6 s. Every call is recorded
 * with what the client saw; calls left in doubt are retried with the same key, as a careful client
 * does. Then the history checker: every acknowledged call has exactly one effect and one event;
 * every in-doubt one is wholly there or wholly absent; a retry gives the same thing, not a second
 * one; and each credit account's balances are the fold of its ledger entries.
 */
jest.setTimeout(240_000);

let infra: PrivateInfra | undefined;
let platform: PrivatePlatform | undefined;

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
/** Learners who receive the imported outcomes (opened before the load). */
const HOLDERS = [0, 1, 2].map((i) => ({ idNumber: idNumberFor(5000 + i), name: '周建国' }));

beforeAll(async () => {
  infra = await startPrivateInfra('nothing-lost');
  platform = await startPrivatePlatform(infra, ['account', 'standards', 'outcome', 'conversion']);
  await runSeed(privateServiceEnv(infra, platform.ns, 'standards'));
  const gw = platform.gatewayUrl;
  const admin = { token: tokens.centerAdmin('33') };
  await graphqlOk(
    gw,
    `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }`,
    { i: { code: INST, name: '浙江省厨师技能培训中心', category: 'VOCATIONAL_TRAINING', province: '33', adminDivision: '330106' } },
    admin,
  );
  await eventually(
    () =>
      graphqlOk(
        gw,
        `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }`,
        { i: { institutionCode: INST, outcomeTypes: ['VOCATIONAL'], bulkDeposit: true, validUntil: '2030-12-31' } },
        admin,
      ),
    { timeoutMs: 30_000 },
  );
  for (const h of HOLDERS)
    await graphqlOk(gw, OPEN, { i: { ...h, adminDivision: '330106', agreementVersion: '2026-01' } }, { token: tokens.operator(NODE) });
  // Outcome knows the institution, its accreditation, the catalogue and the learners before the load.
  await eventually(
    async () => {
      const r = await graphqlOk<{ importOutcomes: { accepted: number; duplicates: number } }>(
        gw,
        IMPORT,
        { b: 'nl-warmup', rows: [row('nl-warmup', HOLDERS[0]!, 0)] },
        { token: tokens.institutionAdmin(INST, '33') },
      );
      expect(r.importOutcomes.accepted + r.importOutcomes.duplicates).toBe(1);
    },
    { timeoutMs: 40_000 },
  );
});

afterAll(async () => {
  await platform?.stop();
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

type Call = { op: 'openLearnerAccount' | 'importOutcomes'; key: string; variables: Record<string, unknown>; token: string };

it('under database and broker restarts, every acknowledged call has one effect and one event, in-doubt ones are whole, ledgers fold', async () => {
  const p = platform!;
  const gw = p.gatewayUrl;
  const history: CallRecord[] = [];
  const operator = tokens.operator(NODE);
  const institution = tokens.institutionAdmin(INST, '33');
  const callFor = (i: number): Call => {
    if (i % 3 === 0) {
      const input = { idNumber: idNumberFor(i), name: '吴晓燕', adminDivision: '330106', agreementVersion: '2026-01' };
      return { op: 'openLearnerAccount', key: input.idNumber, variables: { i: input }, token: operator };
    }
    const ref = `nl-${i}`;
    return {
      op: 'importOutcomes',
      key: ref,
      variables: { b: `nlb-${i}`, rows: [row(ref, HOLDERS[i % HOLDERS.length]!, i)] },
      token: institution,
    };
  };
  const send = (c: Call) =>
    recordCall(history, c.op, c.key, c.variables, DEADLINE_MS, (signal) =>
      postGraphql(gw, c.op === 'openLearnerAccount' ? OPEN : IMPORT, c.variables, c.token, signal),
    );

  const t0 = Date.now();
  const calls = new Map<string, Call>();
  const load = steadyLoad({
    durationMs: 24_000,
    perSecond: 3,
    next: (i) => {
      const c = callFor(i);
      calls.set(c.key, c);
      return send(c);
    },
  });
  await sleep(4_000);
  const dbDown = Date.now();
  await infra!.stop('ferretdb');
  await sleep(7_000);
  await infra!.start('ferretdb');
  const dbUp = Date.now();
  await sleep(3_000);
  const brokerDown = Date.now();
  await infra!.stop('kafka');
  await sleep(6_000);
  await infra!.start('kafka');
  const brokerUp = Date.now();
  await load;
  const firstRound = history.length;

  // A careful client retries what it does not know the fate of, with the same key and input.
  let retries = 0;
  for (let round = 0; round < 5; round++) {
    const last = new Map(history.map((c) => [c.key, c]));
    const open = [...last.values()].filter((c) => c.outcome === 'in-doubt');
    if (open.length === 0) break;
    for (const c of open) {
      retries++;
      await send(calls.get(c.key)!);
    }
    await sleep(2_000);
  }
  const unresolved = [...new Map(history.map((c) => [c.key, c])).values()].filter((c) => c.outcome === 'in-doubt');
  expect(unresolved).toEqual([]);
  // A retried import answers "duplicate" (already there) or "accepted" (it was not): never both.
  for (const c of history.filter((x) => x.op === 'importOutcomes' && x.outcome === 'ok')) {
    const r = (c.result as { importOutcomes: { accepted: number; duplicates: number; rejected: number } }).importOutcomes;
    expect(r.accepted + r.duplicates).toBe(1);
  }

  const tap = await tapTopics([p.ns.topicPrefix + TOPICS.account, p.ns.topicPrefix + TOPICS.outcome], { brokers: infra!.kafkaBrokers });
  const mongo = await new MongoClient(infra!.mongodbUri).connect();
  try {
    const outcomeDb = mongo.db(p.env.outcome!['MONGODB_DB']);
    const conversionDb = mongo.db(p.env.conversion!['MONGODB_DB']);
    const openings = history.filter((c) => c.op === 'openLearnerAccount');
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
    const accountEvents = () => eventIdsBy(tap.events(LearnerAccountOpened.type), 'accountNo');
    const outcomeEvents = () => eventIdsBy(tap.events(OutcomeDeposited.type), 'outcomeId');
    const presentOutcomes = [...imported.values()].flat();
    await eventually(
      () => {
        expect([...stored.values()].filter((no) => !accountEvents().has(no))).toEqual([]);
        expect(presentOutcomes.filter((id) => !outcomeEvents().has(id))).toEqual([]);
      },
      { timeoutMs: 60_000 },
    );

    const report = await checkHistory(history, (op, key) => {
      if (op === 'openLearnerAccount') {
        const no = stored.get(key);
        return { effects: no ? 1 : 0, events: no ? (accountEvents().get(no)?.size ?? 0) : 0 };
      }
      const ids = imported.get(key) ?? [];
      return { effects: ids.length, events: ids.reduce((n, id) => n + (outcomeEvents().get(id)?.size ?? 0), 0) };
    });
    expect(report.violations).toEqual([]);
    // No event without its effect (for the accounts this workload opened).
    const holders = await accountsByIdNumber(
      p.subgraphUrl.account!,
      operator,
      HOLDERS.map((h) => h.idNumber),
    );
    expect([...accountEvents().keys()].sort()).toEqual([...stored.values(), ...holders.values()].sort());

    // The conversion consumer: each recognised outcome recognised once, and balances = fold of the ledger.
    const recognised = await outcomeDb
      .collection('outcomes')
      .find({ status: 'RECOGNIZED' }, { projection: { _id: 1 } })
      .toArray();
    expect(recognised.length).toBeGreaterThan(presentOutcomes.length / 2);
    await eventually(
      async () => {
        const accounts = await conversionDb
          .collection('credit_accounts')
          .find({ _id: { $in: [...holders.values()] } } as Document)
          .toArray();
        expect(accounts).toHaveLength(HOLDERS.length);
        const entries = await conversionDb
          .collection('ledger_entries')
          .find({ accountNo: { $in: [...holders.values()] } })
          .toArray();
        const perOutcome = new Map<string, number>();
        for (const e of entries.filter((x) => x['kind'] === 'RECOGNIZED'))
          for (const id of (e['ref'] as { outcomeIds: string[] }).outcomeIds) perOutcome.set(id, (perOutcome.get(id) ?? 0) + 1);
        expect(recognised.map((o) => perOutcome.get(String(o._id)) ?? 0).filter((n) => n !== 1)).toEqual([]);
        for (const a of accounts) {
          const mine = entries.filter((e) => e['accountNo'] === a._id);
          expect(mine).toHaveLength(a['seq'] as number);
          const fold = { recognized: 0, reserved: 0, consumed: 0, pointsEarned: 0, pointsRedeemed: 0 };
          for (const e of mine)
            for (const k of Object.keys(fold) as Array<keyof typeof fold>) fold[k] += (e['delta'] as typeof fold)[k] ?? 0;
          expect(fold).toEqual(a['balances']);
        }
      },
      { timeoutMs: 60_000 },
    );

    const byOp = (op: string) => history.filter((c) => c.op === op);
    // Keys whose first answer left the client in doubt, and what the retry with the same key found.
    const firstCalls = [...new Map([...history].reverse().map((c) => [c.key, c])).values()];
    const doubted = new Set(firstCalls.filter((c) => c.outcome === 'in-doubt').map((c) => c.key));
    const foundThere = history.filter(
      (c) =>
        doubted.has(c.key) &&
        (c.code === 'CONFLICT' || (c.result as { importOutcomes?: { duplicates: number } } | undefined)?.importOutcomes?.duplicates === 1),
    ).length;
    console.log(
      `nothing-lost: ${firstRound} calls in ${((brokerUp - t0) / 1000).toFixed(0)}+ s (${byOp('openLearnerAccount').length} openings, ${byOp('importOutcomes').length} imports incl. retries); ` +
        `database down ${((dbUp - dbDown) / 1000).toFixed(1)} s, broker down ${((brokerUp - brokerDown) / 1000).toFixed(1)} s; ` +
        `${report.keys} keys: ${report.acknowledged} acknowledged, ${report.keys - report.acknowledged} not (retry: CONFLICT, already there); ${doubted.size} left in doubt by their first call ` +
        `(${foundThere} found already there by the retry, ${doubted.size - foundThere} applied by it), ` +
        `${retries} retries; ${recognised.length} outcomes recognised once each in the ledger, balances = fold of ledger for ${HOLDERS.length} accounts; 0 violations`,
    );
  } finally {
    await mongo.close();
    await tap.stop();
  }
});
