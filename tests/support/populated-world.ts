import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeResidentId, makeUscc } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, seed, serviceTestEnv, tokens, type TestNamespace, type World } from '@creditbank/testing';
import { namespaceSnapshot } from './db-snapshot';
import { startPlatform, type Platform } from './platform';
import { seedWithRetry } from './security';

// A populated world of province 33, built through the gateway with proper role tokens, and a VALID
// base call of every mutation of the supergraph against it. Shared by the bad-input table (which
// varies each base call) and the tenancy matrix (which sends each base call as a wrong caller).

export const INST = makeUscc('330106', 61061); // an accredited training centre
export const INST2 = makeUscc('330106', 62062); // registered, not accredited
export const UNIVERSITY = makeUscc('330106', 63063); // the partner university
export const PASSWORD = 'Bad-input-2026';
const HOOK = 'http://127.0.0.1:9';
const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export interface PopulatedWorld {
  platform: Platform;
  world: World;
  /** Learner A: recognised outcomes, credits, points, a ledger, applications, a redemption, a seat. */
  learnerA: { accountNo: string; idNumber: string; name: string };
  /**
   * Ids of what the seeded world holds, by name: outcome0..2 (A's recognised outcomes),
   * pendingOutcome, importBatch, webhook, rule, draftRule, submitted and approvedOnce (A's
   * applications), delivery, redemption, enrolled and open (projects), certificate,
   * courseCertification, operator.
   */
  ids: Record<string, string>;
  /** The smallest credit of A's recognised outcomes (a rule A's outcomes satisfy). */
  creditsRequired: number;
  node(alias?: string): string;
  acct(alias?: string): string;
}

/** The whole platform in process, with what the world needs (fonts; no webhook ever sent). */
export async function startPopulatedPlatform(): Promise<Platform> {
  if (!process.env['CERT_FONT_FILE']) {
    const font = join(__dirname, '..', '..', '.local', 'fonts', 'wqy-microhei.ttc');
    if (existsSync(font)) process.env['CERT_FONT_FILE'] = font;
  }
  // No webhook is ever sent (the dispatcher would write delivery attempts while a snapshot is compared).
  const platform = await startPlatform({
    env: { conversion: { WEBHOOK_DISPATCHER_ENABLED: 'false', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_DEV_ALLOWED_ORIGINS: HOOK } },
  });
  await runSeed(serviceTestEnv(platform.ns, 'standards'));
  return platform;
}

function importRow(learner: { idNumber: string; name: string }, i: number, code: string) {
  return {
    externalRef: `bad-seed-${i}`,
    idNumber: learner.idNumber,
    name: learner.name,
    type: 'VOCATIONAL',
    catalogItemCode: code,
    title: `职业技能证书 ${i + 1}`,
    hours: 120,
    achievedAt: `2025-0${(i % 6) + 3}-15`,
  };
}

const courseInput = () => ({
  institutionCode: INST,
  title: '农产品直播带货实务',
  catalogItemCode: 'VT-LIVE-COMMERCE',
  hours: 36,
  syllabus: '直播平台规则；农产品选品与定价；直播脚本；售后与物流。',
  assessment: '实操考核：完成一场30分钟农产品直播',
  teachers: [{ name: '陈丽', title: '电子商务师（二级）', qualification: '高级' }],
});

const ruleInput = (creditsRequired: number, courseCode: string) => ({
  name: `坏输入置换规则 ${courseCode}`,
  creditsRequired,
  source: { types: ['VOCATIONAL'], withinYears: 5 },
  target: { kind: 'MODULE_EXEMPTION', institutionCode: UNIVERSITY, courseCode, courseName: '电气控制技术', credits: 2 },
});

/**
 * Seeds province 33 through the gateway: intake points in four states, learners A, B and a frozen
 * one, an accredited centre and a registered one, a partner university, A's three recognised imported
 * outcomes (credits, points, ledger) and a declared one waiting for review, a published and a draft
 * rule, two applications of A, a webhook with a delivery, a reward item A redeemed once, two learning
 * projects (A enrolled in one), a certificate of A, a course certification, catalogue draft and
 * published items, an operator; and waits until the analytics read model holds A's profile.
 */
export async function seedPopulatedWorld(platform: Platform, name = '欧阳全甲'): Promise<PopulatedWorld> {
  const A = { idNumber: '', name };
  const ids: Record<string, string> = {};
  const ok = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> =>
    graphqlOk<T>(platform.gatewayUrl, query, variables, token ? { token } : {});
  /** Waits for other services' projections: retries while the answer is an error. */
  const eventuallyOk = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> =>
    eventually(() => ok<T>(query, variables, token), { timeoutMs: 45_000 });

  const world = await seedWithRetry((n) => {
    A.idNumber = makeResidentId('330106', '1985-05-05', 10 + n);
    return seed(platform.gatewayUrl)
      .intakePoint('node', { adminDivision: '330106013', name: '坏输入受理点' })
      .intakePoint('spare', { adminDivision: '330106002', name: '坏输入备用点' })
      .intakePoint('suspended', { adminDivision: '330106004', name: '坏输入暂停点' })
      .intakePoint('closed', { adminDivision: '330106005', name: '坏输入关闭点' })
      .learner('a', { at: 'node', ...A })
      .learner('b', { at: 'node', idNumber: makeResidentId('330106', '1991-11-23', 30 + n), name: '司马全丙' })
      .learner('frozen', { at: 'node', idNumber: makeResidentId('330106', '1986-06-06', 20 + n), name: '司马全乙' })
      .run();
  });
  const node = (alias = 'node') => world.nodes[alias]!.id;
  const acct = (alias = 'a') => world.learners[alias]!.accountNo;
  const a = acct();
  const cA = tokens.centerAdmin('33');
  const partner = tokens.universityPartner(UNIVERSITY);
  const instAdmin = tokens.institutionAdmin(INST);
  const learner = tokens.learner(a);
  const status = (m: string) => `mutation($id: ID!) { ${m}(id: $id, reason: "坏输入测试") { id } }`;
  await ok(status('suspendServiceNode'), { id: node('suspended') }, cA);
  await ok(status('closeServiceNode'), { id: node('closed') }, cA);
  await ok(`mutation($n: ID!) { freezeLearnerAccount(accountNo: $n, reason: "坏输入测试") { accountNo } }`, { n: acct('frozen') }, cA);
  for (const code of [INST, INST2])
    await ok(
      `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }`,
      {
        i: { code, name: `坏输入培训中心${code.slice(-4, -1)}`, category: 'VOCATIONAL_TRAINING', province: '33', adminDivision: '330106' },
      },
      cA,
    );
  await eventuallyOk(
    `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }`,
    { i: { institutionCode: INST, outcomeTypes: ['VOCATIONAL'], bulkDeposit: true, validUntil: '2030-12-31' } },
    cA,
  );
  ids['operator'] = (
    await ok<{ createStaffUser: { id: string } }>(
      `mutation($i: CreateStaffUserInput!) { createStaffUser(input: $i) { id } }`,
      { i: { username: 'bad_input_op', password: PASSWORD, role: 'INTAKE_OPERATOR', province: '33', nodeId: node() } },
      cA,
    )
  ).createStaffUser.id;
  // Catalogue: a draft to publish and a published provincial item to retire.
  const UPSERT = `mutation($i: CatalogItemInput!) { upsertCatalogItem(input: $i) { code } }`;
  await ok(UPSERT, { i: { code: '33-BAD-DRAFT', name: '坏输入草稿', type: 'NON_ACADEMIC', hours: 10 } }, cA);
  await ok(UPSERT, { i: { code: '33-BAD-PUB', name: '坏输入已发布', type: 'NON_ACADEMIC', hours: 10 } }, cA);
  await ok(`mutation { publishCatalogItem(code: "33-BAD-PUB") { code } }`, {}, cA);
  // Three outcomes of learner a, imported by the accredited centre and recognised (credits and points).
  ids['importBatch'] = (
    await eventuallyOk<{ importOutcomes: { id: string } }>(
      `mutation($rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: "bad-seed", rows: $rows) { id accepted } }`,
      { rows: ['VSC-ELEC-G4', 'VSC-ELEC-G5', 'VSC-COOK-G5'].map((code, i) => importRow(A, i, code)) },
      instAdmin,
    )
  ).importOutcomes.id;
  type Outcomes = {
    learner: {
      outcomes: { edges: Array<{ node: { id: string; status: string; recognizedCredits: number } }> };
      creditAccount: { available: number };
    };
  };
  const recognised = await eventually(
    async () => {
      const v = await ok<Outcomes>(
        `query($n: ID!) { learner(accountNo: $n) { outcomes(first: 20) { edges { node { id status recognizedCredits } } } creditAccount { available } } }`,
        { n: a },
        learner,
      );
      const r = v.learner.outcomes.edges.map((e) => e.node).filter((o) => o.status === 'RECOGNIZED');
      if (r.length !== 3) throw new Error(`${r.length} of 3 outcomes recognised`);
      const total = r.reduce((s, o) => s + o.recognizedCredits, 0);
      if (Math.abs(v.learner.creditAccount.available - total) > 1e-5)
        throw new Error(`credit account ${v.learner.creditAccount.available} of ${total}`);
      return r;
    },
    { timeoutMs: 60_000 },
  );
  recognised.forEach((o, i) => (ids[`outcome${i}`] = o.id));
  const creditsRequired = Math.min(...recognised.map((o) => o.recognizedCredits));
  // A declared outcome waiting for review.
  ids['pendingOutcome'] = (
    await eventuallyOk<{ depositOutcome: { id: string } }>(
      `mutation($i: DepositOutcomeInput!) { depositOutcome(input: $i) { id } }`,
      {
        i: {
          accountNo: a,
          type: 'VOCATIONAL',
          catalogItemCode: 'VSC-ELEC-G4',
          title: '自学电工',
          hours: 40,
          achievedAt: '2025-09-01',
          evidence: ['file:bad-input-evidence-1'],
        },
      },
      learner,
    )
  ).depositOutcome.id;
  // Conversion: the partner's webhook, a published rule and a draft, two applications.
  ids['webhook'] = (
    await ok<{ createWebhookSubscription: { subscription: { id: string } } }>(
      `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }`,
      { i: { url: `${HOOK}/hooks`, events: ['conversion.submitted'] } },
      partner,
    )
  ).createWebhookSubscription.subscription.id;
  const DRAFT = `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id } }`;
  ids['rule'] = (
    await ok<{ draftConversionRule: { id: string } }>(DRAFT, { i: ruleInput(creditsRequired, 'EE-1001') }, partner)
  ).draftConversionRule.id;
  ids['draftRule'] = (
    await ok<{ draftConversionRule: { id: string } }>(DRAFT, { i: ruleInput(creditsRequired, 'EE-1002') }, partner)
  ).draftConversionRule.id;
  await ok(`mutation($id: ID!) { publishConversionRule(id: $id) { status } }`, { id: ids['rule'] }, cA);
  for (const [key, outcome] of [
    ['submitted', 'outcome0'],
    ['approvedOnce', 'outcome1'],
  ] as const)
    ids[key] = (
      await eventuallyOk<{ submitConversion: { id: string } }>(
        `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id } }`,
        { i: { accountNo: a, ruleId: ids['rule'], outcomeIds: [ids[outcome]], idempotencyKey: `bad-${key}` } },
        learner,
      )
    ).submitConversion.id;
  await ok(
    `mutation($id: ID!) { preliminaryReview(id: $id, approve: true, note: "材料齐全") { status } }`,
    { id: ids['approvedOnce'] },
    tokens.operator(node()),
  );
  ids['delivery'] = await eventually(
    async () => {
      const d = await ok<{ webhookDeliveries: { edges: Array<{ node: { id: string } }> } }>(
        `query($s: ID!) { webhookDeliveries(subscriptionId: $s) { edges { node { id } } } }`,
        { s: ids['webhook'] },
        partner,
      );
      if (!d.webhookDeliveries.edges.length) throw new Error('no webhook delivery yet');
      return d.webhookDeliveries.edges[0]!.node.id;
    },
    { timeoutMs: 30_000 },
  );
  await ok(
    `mutation($i: RewardItemInput!) { upsertRewardItem(input: $i) { code } }`,
    { i: { code: 'BAD-REWARD-1', name: '坏输入奖励', kind: 'TRANSIT_POINTS', pointsCost: 1, stock: 100 } },
    cA,
  );
  ids['redemption'] = (
    await ok<{ redeemReward: { id: string } }>(
      `mutation($a: ID!) { redeemReward(accountNo: $a, itemCode: "BAD-REWARD-1", quantity: 2, idempotencyKey: "seed-redeem") { id } }`,
      { a },
      learner,
    )
  ).redeemReward.id;
  // Learning projects: one learner a holds a seat in, one with seats left.
  for (const key of ['enrolled', 'open'])
    ids[key] = (
      await ok<{ publishLearningProject: { id: string } }>(
        `mutation($i: LearningProjectInput!) { publishLearningProject(input: $i) { id } }`,
        { i: { nodeId: node(), title: `坏输入培训班 ${key}`, startsAt: soon(10), endsAt: soon(12), capacity: 30 } },
        cA,
      )
    ).publishLearningProject.id;
  await eventuallyOk(
    `mutation($p: ID!, $a: ID!) { enrolInLearningProject(projectId: $p, accountNo: $a) { id } }`,
    { p: ids['enrolled'], a },
    learner,
  );
  ids['certificate'] = (
    await ok<{ issueCertificate: { id: string } }>(
      `mutation($a: ID!, $o: [ID!]) { issueCertificate(accountNo: $a, outcomeIds: $o) { id } }`,
      { a, o: [ids['outcome2']] },
      learner,
    )
  ).issueCertificate.id;
  ids['courseCertification'] = (
    await eventuallyOk<{ submitCourseCertification: { id: string } }>(
      `mutation($i: CourseCertificationInput!) { submitCourseCertification(input: $i) { id } }`,
      { i: courseInput() },
      instAdmin,
    )
  ).submitCourseCertification.id;
  // The analytics read model holds A's profile (recognised credits and outcomes).
  await eventually(
    async () => {
      const p = await ok<{ learner: { profile: { totalCredits: number; outcomes: number } } }>(
        `query($a: ID!) { learner(accountNo: $a) { profile { totalCredits outcomes } } }`,
        { a },
        tokens.platformAdmin('33'),
      );
      if (p.learner.profile.outcomes < 3 || p.learner.profile.totalCredits <= 0) throw new Error('analytics profile not populated yet');
    },
    { timeoutMs: 60_000 },
  );
  return { platform, world, learnerA: { ...A, accountNo: a }, ids, creditsRequired, node, acct };
}

/** Who makes a mutation's valid base call and with which arguments. */
export interface MutationBase {
  /** A role allowed to make the base call (none: a public mutation). */
  token: () => string | undefined;
  /** A valid call: every variable named after its argument. */
  vars: () => Record<string, unknown>;
}

/** A valid base call of every mutation of the supergraph, against the populated world. */
export function mutationBases(w: PopulatedWorld): Record<string, MutationBase> {
  const { ids, node, acct } = w;
  const reason = '依据规定办理';
  const cA = () => tokens.centerAdmin('33');
  const asLearner = () => tokens.learner(acct());
  const partner = () => tokens.universityPartner(UNIVERSITY);
  return {
    login: { token: () => undefined, vars: () => ({ username: 'bad_input_op', password: PASSWORD }) },
    registerLearnerOnline: {
      token: () => undefined,
      vars: () => ({
        input: {
          idNumber: makeResidentId('330106', '1992-02-02', 31),
          name: '网上注册丙',
          phone: '13900139001',
          password: 'Online-pass-2026',
          adminDivision: '330106',
          agreementVersion: '2026-01',
        },
      }),
    },
    openLearnerAccount: {
      token: () => tokens.operator(node()),
      vars: () => ({
        input: {
          idNumber: makeResidentId('330106', '1990-01-02', 17),
          name: '坏输入乙',
          phone: '13900139002',
          adminDivision: '330106',
          agreementVersion: '2026-01',
        },
      }),
    },
    updateLearnerProfile: { token: cA, vars: () => ({ accountNo: acct(), input: { phone: '13900139003', adminDivision: '330106' } }) },
    freezeLearnerAccount: { token: cA, vars: () => ({ accountNo: acct(), reason }) },
    unfreezeLearnerAccount: { token: cA, vars: () => ({ accountNo: acct('frozen'), reason }) },
    closeLearnerAccount: { token: cA, vars: () => ({ accountNo: acct(), reason }) },
    registerInstitution: {
      token: cA,
      vars: () => ({
        input: {
          code: makeUscc('330106', 64064),
          name: '坏输入新机构',
          category: 'VOCATIONAL_TRAINING',
          province: '33',
          adminDivision: '330106',
        },
      }),
    },
    updateInstitution: {
      token: cA,
      vars: () => ({ code: INST, input: { name: '坏输入培训中心（改）', adminDivision: '330106', status: 'ACTIVE' } }),
    },
    createStaffUser: {
      token: cA,
      vars: () => ({
        input: {
          username: 'bad_input_new',
          password: PASSWORD,
          role: 'INTAKE_OPERATOR',
          province: '33',
          nodeId: node(),
          displayName: '新操作员',
        },
      }),
    },
    upsertRegionalIndicators: {
      token: () => tokens.analyst('33'),
      vars: () => ({ input: [{ division: '330106', year: 2024, indicator: 'gdp_per_capita', value: 120_000 }] }),
    },
    draftConversionRule: { token: partner, vars: () => ({ input: ruleInput(w.creditsRequired, 'EE-1003') }) },
    publishConversionRule: { token: cA, vars: () => ({ id: ids['draftRule'] }) },
    retireConversionRule: { token: cA, vars: () => ({ id: ids['rule'] }) },
    submitConversion: {
      token: asLearner,
      vars: () => ({ input: { accountNo: acct(), ruleId: ids['rule'], outcomeIds: [ids['outcome2']], idempotencyKey: 'bad-base-1' } }),
    },
    preliminaryReview: { token: () => tokens.operator(node()), vars: () => ({ id: ids['submitted'], approve: true, note: '材料齐全' }) },
    decideConversion: { token: partner, vars: () => ({ id: ids['approvedOnce'], approve: true, note: '同意免修' }) },
    cancelConversion: { token: asLearner, vars: () => ({ id: ids['submitted'] }) },
    upsertRewardItem: {
      token: cA,
      vars: () => ({
        input: {
          code: 'BAD-REWARD-2',
          name: '坏输入奖励二',
          kind: 'TRANSIT_POINTS',
          pointsCost: 10,
          stock: 5,
          province: '33',
          active: true,
        },
      }),
    },
    redeemReward: {
      token: asLearner,
      vars: () => ({ accountNo: acct(), itemCode: 'BAD-REWARD-1', quantity: 1, idempotencyKey: 'bad-redeem-1' }),
    },
    createWebhookSubscription: { token: partner, vars: () => ({ input: { url: `${HOOK}/other-hooks`, events: ['conversion.approved'] } }) },
    rotateWebhookSecret: { token: partner, vars: () => ({ id: ids['webhook'] }) },
    replayWebhookDelivery: { token: partner, vars: () => ({ id: ids['delivery'] }) },
    openServiceNode: {
      token: cA,
      vars: () => ({
        input: {
          kind: 'INTAKE_POINT',
          name: '坏输入新受理点',
          adminDivision: '330102001',
          address: '杭州市西湖区文三路1号',
          location: { lat: 30.27, lng: 120.13 },
          hostOrganization: '文三社区居委会',
          contact: { phone: '13900139004', email: 'point@example.cn' },
          openingHours: [{ days: ['MON', 'TUE'], opens: '08:30', closes: '17:00' }],
          services: ['ACCOUNT_OPENING', 'DEPOSIT'],
        },
      }),
    },
    updateServiceNode: {
      token: cA,
      vars: () => ({
        id: node(),
        input: {
          name: '坏输入受理点（改）',
          address: '杭州市西湖区文三路2号',
          location: { lat: 30.28, lng: 120.14 },
          hostOrganization: '文三社区居委会',
          contact: { phone: '13900139005', email: 'node@example.cn' },
          openingHours: [{ days: ['WED'], opens: '09:00', closes: '16:00' }],
          services: ['ACCOUNT_OPENING'],
        },
      }),
    },
    suspendServiceNode: { token: cA, vars: () => ({ id: node('spare'), reason }) },
    resumeServiceNode: { token: cA, vars: () => ({ id: node('suspended'), reason }) },
    closeServiceNode: { token: cA, vars: () => ({ id: node('spare'), reason }) },
    reopenServiceNode: { token: cA, vars: () => ({ id: node('closed'), reason }) },
    assignOperator: { token: cA, vars: () => ({ nodeId: node('spare'), userId: ids['operator'] }) },
    unassignOperator: { token: cA, vars: () => ({ nodeId: node(), userId: ids['operator'] }) },
    publishLearningProject: {
      token: cA,
      vars: () => ({
        input: {
          nodeId: node(),
          title: '坏输入电工培训班',
          catalogItemCode: 'VSC-ELEC-G4',
          startsAt: soon(20),
          endsAt: soon(21),
          capacity: 20,
          venue: '村文化礼堂',
          description: '低压电工实操',
        },
      }),
    },
    cancelLearningProject: { token: cA, vars: () => ({ id: ids['open'], reason }) },
    enrolInLearningProject: { token: asLearner, vars: () => ({ projectId: ids['open'], accountNo: acct() }) },
    cancelEnrolment: { token: asLearner, vars: () => ({ projectId: ids['enrolled'], accountNo: acct() }) },
    importOutcomes: {
      token: () => tokens.institutionAdmin(INST),
      vars: () => ({
        batchRef: 'bad-base',
        rows: [{ ...importRow(w.learnerA, 9, 'VSC-AGRI-G4'), externalRef: 'bad-base-1', score: 85, certificateNo: 'ZS-2025-0001' }],
      }),
    },
    depositOutcome: {
      token: asLearner,
      vars: () => ({
        input: {
          accountNo: acct(),
          type: 'VOCATIONAL',
          catalogItemCode: 'VSC-ELEC-G5',
          title: '自学电工（进阶）',
          institutionCode: INST,
          hours: 40,
          score: 80,
          achievedAt: '2025-10-01',
          certificateNo: 'ZS-2025-0002',
          evidence: ['file:bad-input-evidence-2'],
        },
      }),
    },
    reviewOutcome: { token: cA, vars: () => ({ id: ids['pendingOutcome'], decision: 'APPROVE', note: '材料属实' }) },
    revokeOutcome: { token: cA, vars: () => ({ id: ids['outcome0'], reason }) },
    issueCertificate: { token: asLearner, vars: () => ({ accountNo: acct(), outcomeIds: [ids['outcome1']] }) },
    revokeCertificate: { token: asLearner, vars: () => ({ id: ids['certificate'], reason }) },
    upsertCatalogItem: {
      token: cA,
      vars: () => ({
        input: {
          code: '33-BAD-NEW',
          name: '坏输入新课程',
          type: 'NON_ACADEMIC',
          level: 1,
          track: '33-BAD',
          field: '农林牧渔大类',
          hours: 36,
          validityYears: 3,
          evidenceRequired: ['结业证书'],
          description: '课程说明',
        },
      }),
    },
    publishCatalogItem: { token: cA, vars: () => ({ code: '33-BAD-DRAFT' }) },
    retireCatalogItem: { token: cA, vars: () => ({ code: '33-BAD-PUB', reason }) },
    publishCreditStandard: {
      token: cA,
      vars: () => ({
        input: {
          province: '33',
          name: '坏输入学分标准',
          effectiveFrom: soon(30),
          note: '年度修订',
          pointsPerCredit: 100,
          rules: [{ type: 'VOCATIONAL', method: 'PER_HOURS', hoursPerCredit: 18, roundingStep: 0.5, rounding: 'DOWN', maxPerOutcome: 4 }],
          itemRules: [{ catalogItemCode: 'VSC-ELEC-G4', credits: 3 }],
          annualCaps: [{ type: 'VOCATIONAL', maxCredits: 30 }],
        },
      }),
    },
    upsertQualificationLevel: {
      token: () => tokens.platformAdmin('33'),
      vars: () => ({
        input: { level: 8, name: '八级（示例）', descriptor: '扩展等级', vocationalEquivalent: '高级技师', academicEquivalent: '博士' },
      }),
    },
    accreditInstitution: {
      token: cA,
      vars: () => ({ input: { institutionCode: INST2, outcomeTypes: ['VOCATIONAL'], bulkDeposit: false, validUntil: '2030-12-31' } }),
    },
    suspendAccreditation: { token: cA, vars: () => ({ institutionCode: INST, reason }) },
    submitCourseCertification: { token: () => tokens.institutionAdmin(INST), vars: () => ({ input: courseInput() }) },
    reviewCourseCertification: {
      token: () => tokens.expert('33'),
      vars: () => ({ id: ids['courseCertification'], decision: 'APPROVE', score: 88, comment: '内容实用' }),
    },
  };
}

/**
 * A snapshot of every database of the namespace once the world has settled: consumers and outbox
 * relays may still be applying the seed's last events, so it waits for two equal snapshots in a row.
 */
export async function settledSnapshot(
  ns: TestNamespace,
  options: { ignoreFields?: readonly string[]; timeoutMs?: number } = {},
): Promise<Record<string, { count: number; hash: string }>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last = JSON.stringify(await namespaceSnapshot(ns, options));
  for (;;) {
    await sleep(1_500);
    const next = await namespaceSnapshot(ns, options);
    const text = JSON.stringify(next);
    if (text === last) return next;
    if (Date.now() > deadline) throw new Error('the namespace’s databases did not settle');
    last = text;
  }
}
