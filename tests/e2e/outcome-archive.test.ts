import { makeResidentId, makeUscc } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, seed, serviceTestEnv, tokens } from '@creditbank/testing';
import { startPlatform, type Platform, type ServiceKey } from '../support/platform';

/**
 * The lifelong archive through the gateway: an accredited institution imports 100 outcomes for a
 * learner; the learner reads a page of 100 with each outcome's catalogue item (standards) and
 * institution (account). Batching keeps it to one `_entities` call per subgraph and one query per
 * collection, counted from the subgraphs' own metrics.
 */
let platform: Platform;
const INST = makeUscc('330106', 77077);
const idNumber = makeResidentId('330106', '1976-07-07', 77);
let accountNo: string;

async function counters(key: ServiceKey): Promise<{ ops: Record<string, number>; db: Record<string, number> }> {
  const text = await (await fetch(platform.subgraphUrl[key].replace(/\/graphql$/, '/metrics'))).text();
  const ops: Record<string, number> = {};
  for (const m of text.matchAll(/^creditbank_graphql_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    const op = /operation="([^"]+)"/.exec(m[1]!)![1]!;
    ops[op] = (ops[op] ?? 0) + Number(m[2]);
  }
  const db: Record<string, number> = {};
  for (const m of text.matchAll(/^creditbank_db_commands_total\{([^}]*)\} (\d+)/gm)) {
    if (!m[1]!.includes('origin="http"')) continue; // requests only, not the relays' or consumers' work
    const collection = /collection="([^"]+)"/.exec(m[1]!)![1]!;
    const command = /command="([^"]+)"/.exec(m[1]!)![1]!;
    db[`${collection}.${command}`] = (db[`${collection}.${command}`] ?? 0) + Number(m[2]);
  }
  return { ops, db };
}

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (before[k] ?? 0) > 0 ? [[k, v - (before[k] ?? 0)]] : [])));

beforeAll(async () => {
  platform = await startPlatform();
  await runSeed(serviceTestEnv(platform.ns, 'standards'));
  const gw = platform.gatewayUrl;
  await seed(gw)
    .accreditedInstitution('electric', {
      code: INST,
      name: '浙江省电工技能培训中心',
      adminDivision: '330106',
      outcomeTypes: ['VOCATIONAL', 'NON_ACADEMIC'],
    })
    .run();
  const opened = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    gw,
    `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
    { i: { idNumber, name: '钱学勤', adminDivision: '330106', agreementVersion: '2026-01' } },
    { token: tokens.operator('sn-e2e') },
  );
  accountNo = opened.openLearnerAccount.learner.accountNo;
});

afterAll(async () => {
  await platform?.stop();
});

it('imports 100 outcomes and reads them back with catalogue items and institutions in one call per subgraph', async () => {
  const codes = ['VSC-ELEC-G5', 'VSC-ELEC-G4', 'VSC-COOK-G5', 'VSC-ECOM-G5', 'VSC-AGRI-G5'];
  const rows = Array.from({ length: 100 }, (_, i) => ({
    externalRef: `e2e-${i}`,
    idNumber,
    name: '钱学勤',
    type: 'VOCATIONAL',
    catalogItemCode: codes[i % codes.length],
    title: `技能培训 ${i + 1}`,
    hours: 40,
    achievedAt: `20${10 + (i % 16)}-0${(i % 9) + 1}-15`,
  }));
  // The outcome service needs the catalogue, the standard, the accreditation and the account first.
  const batch = await eventually(
    async () => {
      const r = await graphqlOk<{ importOutcomes: { accepted: number; rejected: number; errors: unknown[] } }>(
        platform.gatewayUrl,
        `mutation($rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: "e2e-100", rows: $rows) { accepted duplicates rejected errors { row code message } } }`,
        { rows },
        { token: tokens.institutionAdmin(INST, '33') },
      );
      return r.importOutcomes;
    },
    { timeoutMs: 30_000 },
  );
  expect(batch.rejected).toBe(0);

  const query = `query($n: ID!) { learner(accountNo: $n) { name outcomes(first: 100) { totalCount edges { node { id title status recognizedCredits catalogItem { code name level } institution { code name } } } } } }`;
  const read = () =>
    graphqlOk<{
      learner: {
        outcomes: {
          totalCount: number;
          edges: Array<{ node: { status: string; catalogItem: { name: string }; institution: { name: string } } }>;
        };
      };
    }>(platform.gatewayUrl, query, { n: accountNo }, { token: tokens.learner(accountNo) });
  await eventually(async () => expect((await read()).learner.outcomes.edges.every((e) => e.node.status === 'RECOGNIZED')).toBe(true));

  const keys: ServiceKey[] = ['account', 'outcome', 'standards'];
  const before = Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await counters(k)] as const)));
  const data = await read();
  const after = Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await counters(k)] as const)));

  expect(data.learner.outcomes.totalCount).toBe(100);
  expect(data.learner.outcomes.edges).toHaveLength(100);
  expect(
    data.learner.outcomes.edges.every(
      (e) => e.node.catalogItem.name.includes('职业技能等级证书') && e.node.institution.name === '浙江省电工技能培训中心',
    ),
  ).toBe(true);
  // One call each: account resolves the learner and then the 100 institution references in one batch.
  expect(diff(after['account']!.ops, before['account']!.ops)).toEqual({ learner: 1, _entities: 1 });
  expect(diff(after['outcome']!.ops, before['outcome']!.ops)).toEqual({ _entities: 1 });
  expect(diff(after['standards']!.ops, before['standards']!.ops)).toEqual({ _entities: 1 });
  // And one query per collection for 100 outcomes, their 5 catalogue items and 1 institution.
  expect(diff(after['outcome']!.db, before['outcome']!.db)).toEqual({ 'outcomes.find': 1, 'outcomes.aggregate': 1 });
  expect(diff(after['standards']!.db, before['standards']!.db)).toEqual({ 'catalog_items.find': 1 });
  expect(diff(after['account']!.db, before['account']!.db)).toEqual({ 'learners.find': 1, 'institutions.find': 1 });
});

it('shows the archive by year with totals, newest first', async () => {
  const data = await graphqlOk<{ learner: { archive: Array<{ year: number; outcomes: number; recognizedCredits: number }> } }>(
    platform.gatewayUrl,
    `query($n: ID!) { learner(accountNo: $n) { archive { year outcomes recognizedCredits } } }`,
    { n: accountNo },
    { token: tokens.learner(accountNo) },
  );
  const years = data.learner.archive.map((y) => y.year);
  expect(years).toEqual([...years].sort((a, b) => b - a));
  expect(data.learner.archive.reduce((s, y) => s + y.outcomes, 0)).toBe(100);
});
