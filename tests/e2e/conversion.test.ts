import { makeResidentId, makeUscc } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, seed, serviceTestEnv, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

/**
 * Conversion through the gateway: outcomes imported by an accredited institution are recognised by
 * the outcome service; the conversion service learns of them from Kafka (credits and points in the
 * learner's credit account); a published rule converts two of them; the application is reviewed and
 * decided; the learner reads the account, its ledger and the conversion with its outcomes resolved
 * by the outcome subgraph — one federated query.
 */
let platform: Platform;
const INST = makeUscc('330106', 88088);
const UNIVERSITY = makeUscc('330106', 99099);
const idNumber = makeResidentId('330106', '1979-09-09', 88);
let accountNo: string;

beforeAll(async () => {
  platform = await startPlatform();
  await runSeed(serviceTestEnv(platform.ns, 'standards'));
  const gw = platform.gatewayUrl;
  await seed(gw)
    .accreditedInstitution('electric', {
      code: INST,
      name: '浙江省电工技能培训中心',
      adminDivision: '330106',
      outcomeTypes: ['VOCATIONAL'],
    })
    .run();
  const opened = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    gw,
    `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
    { i: { idNumber, name: '孙建业', adminDivision: '330106', agreementVersion: '2026-01' } },
    { token: tokens.operator('sn-e2e') },
  );
  accountNo = opened.openLearnerAccount.learner.accountNo;
});

afterAll(async () => {
  await platform?.stop();
});

it('recognised outcomes reach the credit account; a conversion is applied for, reviewed, decided and read back in one query', async () => {
  const gw = platform.gatewayUrl;
  const rows = ['VSC-ELEC-G4', 'VSC-ELEC-G5', 'VSC-COOK-G5'].map((code, i) => ({
    externalRef: `cv-${i}`,
    idNumber,
    name: '孙建业',
    type: 'VOCATIONAL',
    catalogItemCode: code,
    title: `职业技能证书 ${i + 1}`,
    hours: 120,
    achievedAt: `2025-0${i + 3}-15`,
  }));
  await eventually(
    async () => {
      const r = await graphqlOk<{ importOutcomes: { accepted: number } }>(
        gw,
        `mutation($rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: "e2e-conv", rows: $rows) { accepted duplicates } }`,
        { rows },
        { token: tokens.institutionAdmin(INST, '33') },
      );
      expect(r.importOutcomes).toBeTruthy();
    },
    { timeoutMs: 30_000 },
  );
  const learner = { token: tokens.learner(accountNo) };
  const ACCOUNT = `query($n: ID!) { learner(accountNo: $n) { accountNo outcomes(first: 10) { edges { node { id status recognizedCredits points } } }
    creditAccount { recognized reserved consumed available points { earned redeemed available } ledger(first: 20) { totalCount edges { node { kind recognized reserved consumed pointsEarned } } } } } }`;
  type AccountView = {
    learner: {
      outcomes: { edges: Array<{ node: { id: string; status: string; recognizedCredits: number; points: number } }> };
      creditAccount: {
        recognized: number;
        reserved: number;
        consumed: number;
        available: number;
        points: { earned: number; available: number };
        ledger: { totalCount: number; edges: Array<{ node: { kind: string } }> };
      };
    };
  };
  const view = await eventually(
    async () => {
      const v = await graphqlOk<AccountView>(gw, ACCOUNT, { n: accountNo }, learner);
      const recognised = v.learner.outcomes.edges.filter((e) => e.node.status === 'RECOGNIZED');
      expect(recognised.length).toBeGreaterThanOrEqual(2);
      const total = recognised.reduce((s, e) => s + e.node.recognizedCredits, 0);
      expect(v.learner.creditAccount.recognized).toBeCloseTo(total, 5);
      expect(v.learner.creditAccount.points.earned).toBe(recognised.reduce((s, e) => s + (e.node.points ?? 0), 0));
      return v;
    },
    { timeoutMs: 40_000 },
  );
  const recognised = view.learner.outcomes.edges.filter((e) => e.node.status === 'RECOGNIZED').map((e) => e.node);
  const chosen = recognised.slice(0, 2);
  const needed = chosen.reduce((s, o) => s + o.recognizedCredits, 0);

  const rule = await graphqlOk<{ draftConversionRule: { id: string } }>(
    gw,
    `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id } }`,
    {
      i: {
        name: '职业技能证书置换电气模块',
        creditsRequired: needed,
        source: { types: ['VOCATIONAL'], withinYears: 5 },
        target: { kind: 'MODULE_EXEMPTION', institutionCode: UNIVERSITY, courseCode: 'EE-2031', courseName: '电气控制技术', credits: 4 },
      },
    },
    { token: tokens.universityPartner(UNIVERSITY) },
  );
  const ruleId = rule.draftConversionRule.id;
  await graphqlOk(
    gw,
    `mutation($id: ID!) { publishConversionRule(id: $id) { status } }`,
    { id: ruleId },
    { token: tokens.centerAdmin('33') },
  );
  const published = await graphqlOk<{ conversionRules: { edges: Array<{ node: { id: string } }> } }>(
    gw,
    `{ conversionRules(filter: { province: "33" }) { edges { node { id } } } }`,
  );
  expect(published.conversionRules.edges.map((e) => e.node.id)).toContain(ruleId);

  const sim = await graphqlOk<{ simulateConversion: { eligible: boolean; qualifyingOutcomes: Array<{ outcomeId: string }> } }>(
    gw,
    `query($n: ID!, $r: ID!) { simulateConversion(accountNo: $n, ruleId: $r) { eligible creditsUsed qualifyingOutcomes { outcomeId } } }`,
    { n: accountNo, r: ruleId },
    learner,
  );
  expect(sim.simulateConversion.eligible).toBe(true);

  const submitted = await graphqlOk<{ submitConversion: { id: string; status: string } }>(
    gw,
    `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id status } }`,
    { i: { accountNo, ruleId, outcomeIds: chosen.map((o) => o.id), idempotencyKey: 'e2e-1' } },
    learner,
  );
  const id = submitted.submitConversion.id;
  await graphqlOk(
    gw,
    `mutation($id: ID!) { preliminaryReview(id: $id, approve: true, note: "材料齐全") { status } }`,
    { id },
    { token: tokens.operator('sn-e2e') },
  );
  await graphqlOk(
    gw,
    `mutation($id: ID!) { decideConversion(id: $id, approve: true, note: "同意免修") { status } }`,
    { id },
    { token: tokens.universityPartner(UNIVERSITY) },
  );

  const after = await graphqlOk<{
    learner: {
      creditAccount: {
        consumed: number;
        reserved: number;
        available: number;
        recognized: number;
        ledger: { edges: Array<{ node: { kind: string } }> };
      };
      conversions: {
        edges: Array<{
          node: {
            id: string;
            status: string;
            rule: { id: string; version: number };
            outcomes: Array<{ id: string; title: string }>;
            history: Array<{ action: string }>;
          };
        }>;
      };
    };
  }>(
    gw,
    `query($n: ID!) { learner(accountNo: $n) { creditAccount { recognized reserved consumed available ledger(first: 5) { edges { node { kind } } } }
      conversions { edges { node { id status rule { id version } outcomes { id title } history { action } } } } } }`,
    { n: accountNo },
    learner,
  );
  const acc = after.learner.creditAccount;
  expect(acc.consumed).toBeCloseTo(needed, 5);
  expect(acc.reserved).toBe(0);
  expect(acc.available).toBeCloseTo(acc.recognized - needed, 5);
  expect(acc.ledger.edges[0]!.node.kind).toBe('CONSUMED');
  const conv = after.learner.conversions.edges[0]!.node;
  expect(conv).toMatchObject({ id, status: 'APPROVED', rule: { id: ruleId, version: 1 } });
  expect(conv.history.map((s) => s.action)).toEqual(['SUBMITTED', 'PRELIMINARY_APPROVED', 'APPROVED']);
  // The outcomes come from the outcome subgraph through the gateway.
  expect(conv.outcomes.map((o) => o.id).sort()).toEqual(chosen.map((c) => c.id).sort());
  expect(conv.outcomes.every((o) => o.title.startsWith('职业技能证书'))).toBe(true);
  // Another learner sees nothing of it.
  const other = await graphqlOk<{ learner: { creditAccount: { recognized: number }; conversions: { totalCount: number } } | null }>(
    gw,
    `query($n: ID!) { learner(accountNo: $n) { creditAccount { recognized } conversions { totalCount } } }`,
    { n: accountNo },
    { token: tokens.learner('330000000010') },
  ).catch(() => ({ learner: null }));
  expect(other.learner?.conversions.totalCount ?? 0).toBe(0);
});
