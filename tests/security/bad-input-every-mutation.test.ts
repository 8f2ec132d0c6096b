import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getNamedType, isEnumType, isLeafType } from 'graphql';
import { makeResidentId, makeUscc } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphql, graphqlOk, seed, serviceTestEnv, tokens, type GraphQLResponse, type World } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';
import { applyVariant, badVariants, dotted, leafName, type Variant, type VariantKind } from '../support/bad-input-variants';
import { namespaceSnapshot } from '../support/db-snapshot';
import { seedWithRetry } from '../support/security';
import { rootFields, supergraphSchema, type RootField } from '../support/schema-cases';

// Bad input over EVERY mutation of the supergraph (a new mutation fails the first test until it gets
// a valid base call below). From each valid base call the generator derives, per argument and input
// field and by GraphQL type, missing, empty, blank, oversized, NUL, injection-shaped, invisible and
// bidi text, lone surrogates, operator objects, wrong and lower-case enums, negative, fractional and
// out-of-range numbers, empty and oversized lists. Each is sent by the role the base call is for and
// must be refused with BAD_USER_INPUT naming the field (or a justified exception below), and every
// database of the platform (all collections of the six services) is byte-identical afterwards.

if (!process.env['CERT_FONT_FILE']) {
  const font = join(__dirname, '..', '..', '.local', 'fonts', 'wqy-microhei.ttc');
  if (existsSync(font)) process.env['CERT_FONT_FILE'] = font;
}

const schema = supergraphSchema();
const mutations = rootFields(schema).filter((f) => f.operation === 'mutation');

const INST = makeUscc('330106', 61061); // an accredited training centre
const INST2 = makeUscc('330106', 62062); // registered, not accredited
const UNIVERSITY = makeUscc('330106', 63063); // the partner university
const PASSWORD = 'Bad-input-2026';
const HOOK = 'http://127.0.0.1:9';
const A = { idNumber: '', name: '欧阳全甲' };
const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

let platform: Platform;
let world: World;
/** Ids of what the seeded world holds, by name. */
const ids: Record<string, string> = {};
let creditsRequired = 1;

const node = (alias = 'node') => world.nodes[alias]!.id;
const acct = (alias = 'a') => world.learners[alias]!.accountNo;

async function ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  return graphqlOk<T>(platform.gatewayUrl, query, variables, token ? { token } : {});
}

/** Waits for other services' projections: retries while the answer is an error. */
async function eventuallyOk<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  return eventually(() => ok<T>(query, variables, token), { timeoutMs: 45_000 });
}

const importRow = (i: number, code: string) => ({
  externalRef: `bad-seed-${i}`,
  idNumber: A.idNumber,
  name: A.name,
  type: 'VOCATIONAL',
  catalogItemCode: code,
  title: `职业技能证书 ${i + 1}`,
  hours: 120,
  achievedAt: `2025-0${(i % 6) + 3}-15`,
});

const courseInput = () => ({
  institutionCode: INST,
  title: '农产品直播带货实务',
  catalogItemCode: 'VT-LIVE-COMMERCE',
  hours: 36,
  syllabus: '直播平台规则；农产品选品与定价；直播脚本；售后与物流。',
  assessment: '实操考核：完成一场30分钟农产品直播',
  teachers: [{ name: '陈丽', title: '电子商务师（二级）', qualification: '高级' }],
});

const ruleInput = (courseCode: string) => ({
  name: `坏输入置换规则 ${courseCode}`,
  creditsRequired,
  source: { types: ['VOCATIONAL'], withinYears: 5 },
  target: { kind: 'MODULE_EXEMPTION', institutionCode: UNIVERSITY, courseCode, courseName: '电气控制技术', credits: 2 },
});

beforeAll(async () => {
  // No webhook is ever sent (the dispatcher would write delivery attempts while the snapshot is compared).
  platform = await startPlatform({
    env: { conversion: { WEBHOOK_DISPATCHER_ENABLED: 'false', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_DEV_ALLOWED_ORIGINS: HOOK } },
  });
  await runSeed(serviceTestEnv(platform.ns, 'standards'));
  world = await seedWithRetry((n) => {
    A.idNumber = makeResidentId('330106', '1985-05-05', 10 + n);
    return seed(platform.gatewayUrl)
      .intakePoint('node', { adminDivision: '330106013', name: '坏输入受理点' })
      .intakePoint('spare', { adminDivision: '330106002', name: '坏输入备用点' })
      .intakePoint('suspended', { adminDivision: '330106004', name: '坏输入暂停点' })
      .intakePoint('closed', { adminDivision: '330106005', name: '坏输入关闭点' })
      .learner('a', { at: 'node', ...A })
      .learner('frozen', { at: 'node', idNumber: makeResidentId('330106', '1986-06-06', 20 + n), name: '司马全乙' })
      .run();
  });
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
  await eventuallyOk(
    `mutation($rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: "bad-seed", rows: $rows) { accepted } }`,
    { rows: ['VSC-ELEC-G4', 'VSC-ELEC-G5', 'VSC-COOK-G5'].map((code, i) => importRow(i, code)) },
    instAdmin,
  );
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
      expect(r).toHaveLength(3);
      expect(v.learner.creditAccount.available).toBeCloseTo(
        r.reduce((s, o) => s + o.recognizedCredits, 0),
        5,
      );
      return r;
    },
    { timeoutMs: 60_000 },
  );
  recognised.forEach((o, i) => (ids[`outcome${i}`] = o.id));
  creditsRequired = Math.min(...recognised.map((o) => o.recognizedCredits));
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
  ids['rule'] = (await ok<{ draftConversionRule: { id: string } }>(DRAFT, { i: ruleInput('EE-1001') }, partner)).draftConversionRule.id;
  ids['draftRule'] = (
    await ok<{ draftConversionRule: { id: string } }>(DRAFT, { i: ruleInput('EE-1002') }, partner)
  ).draftConversionRule.id;
  await ok(`mutation($id: ID!) { publishConversionRule(id: $id) { status } }`, { id: ids['rule'] }, cA);
  for (const [name, outcome] of [
    ['submitted', 'outcome0'],
    ['approvedOnce', 'outcome1'],
  ] as const)
    ids[name] = (
      await eventuallyOk<{ submitConversion: { id: string } }>(
        `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id } }`,
        { i: { accountNo: a, ruleId: ids['rule'], outcomeIds: [ids[outcome]], idempotencyKey: `bad-${name}` } },
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
      expect(d.webhookDeliveries.edges.length).toBeGreaterThan(0);
      return d.webhookDeliveries.edges[0]!.node.id;
    },
    { timeoutMs: 30_000 },
  );
  await ok(
    `mutation($i: RewardItemInput!) { upsertRewardItem(input: $i) { code } }`,
    { i: { code: 'BAD-REWARD-1', name: '坏输入奖励', kind: 'TRANSIT_POINTS', pointsCost: 1, stock: 100 } },
    cA,
  );
  // Learning projects: one learner a holds a seat in, one with seats left.
  for (const name of ['enrolled', 'open'])
    ids[name] = (
      await ok<{ publishLearningProject: { id: string } }>(
        `mutation($i: LearningProjectInput!) { publishLearningProject(input: $i) { id } }`,
        { i: { nodeId: node(), title: `坏输入培训班 ${name}`, startsAt: soon(10), endsAt: soon(12), capacity: 30 } },
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
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

interface Base {
  /** Who makes the call: a role allowed to make the base call (none: a public mutation). */
  token: () => string | undefined;
  /** A valid call: every variable named after its argument. */
  vars: () => Record<string, unknown>;
}

const reason = '依据规定办理';
const cA = () => tokens.centerAdmin('33');
const asLearner = () => tokens.learner(acct());
const partner = () => tokens.universityPartner(UNIVERSITY);

/** A valid base call of every mutation of the supergraph, against the seeded world. */
const BASES: Record<string, Base> = {
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
  draftConversionRule: { token: partner, vars: () => ({ input: ruleInput('EE-1003') }) },
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
      input: { code: 'BAD-REWARD-2', name: '坏输入奖励二', kind: 'TRANSIT_POINTS', pointsCost: 10, stock: 5, province: '33', active: true },
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
      rows: [{ ...importRow(9, 'VSC-AGRI-G4'), externalRef: 'bad-base-1', score: 85, certificateNo: 'ZS-2025-0001' }],
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

// ---- What a refusal may look like besides BAD_USER_INPUT (explicit, small, justified) ----

/** Text-shaped variants (a string that is not what the field wants). */
const STRINGY = new Set<VariantKind>([
  'empty',
  'blank',
  'oversized',
  'NUL byte',
  '$where string',
  '$gt string',
  'zero-width only',
  'right-to-left override',
  'lone surrogate',
  'malformed id',
]);

function alsoAccepted(mutation: string, v: Variant): string[] {
  const out: string[] = [];
  // A malformed identifier of a record looks exactly like a missing (or another province's) record:
  // tenancy requires the two to be indistinguishable, so NOT_FOUND is a correct answer.
  if (v.named === 'ID' && STRINGY.has(v.kind)) out.push('NOT_FOUND');
  // A login answers every wrong credential alike (no hint whether a user name exists or is well formed).
  if (mutation === 'login' && STRINGY.has(v.kind)) out.push('UNAUTHENTICATED');
  // The declarative policy (services/*/src/graphql/policy.ts, `provinceOf`) refuses a province other
  // than the caller's before any validation: a malformed province is "not yours".
  if (POLICY_PROVINCE.has(`${mutation}.${dotted(v.path)}`) && STRINGY.has(v.kind)) out.push('FORBIDDEN');
  return out;
}

const POLICY_PROVINCE = new Set([
  'registerInstitution.input.province',
  'createStaffUser.input.province',
  'upsertRewardItem.input.province',
  'publishCreditStandard.input.province',
]);

// ---- Variants that are valid for their field (not sent; each with its reason) ----

/** Free text: whatever a person may write, stored literally and never interpreted. */
const FREE_TEXT = new Set([
  'name',
  'title',
  'reason',
  'note',
  'comment',
  'description',
  'venue',
  'address',
  'hostOrganization',
  'displayName',
  'syllabus',
  'assessment',
  'descriptor',
  'courseName',
  'vocationalEquivalent',
  'academicEquivalent',
  'qualification',
  'occupation',
  'educationLevel',
  'field',
  'levelCategory',
  // Catalogue items: the evidence a learner must show (「结业证书」), in words.
  'evidenceRequired',
]);

/**
 * Identifiers and references issued by others (certificate numbers, a partner's course codes, household
 * register numbers, evidence file references, the agreement version): stored verbatim as bounded
 * strings without control or invisible characters; their format is the issuer's, so a value that
 * merely looks like an operator is a valid (if odd) identifier.
 */
const FOREIGN_IDENTIFIERS = new Set(['certificateNo', 'courseCode', 'householdId', 'evidence', 'agreementVersion']);

interface Allowed {
  why: string;
  applies: (mutation: string, v: Variant) => boolean;
}

const ALLOWED: Allowed[] = [
  {
    why: 'free text may contain "$where" or "{"$gt": ""}" literally: it is stored as a string and never interpreted',
    applies: (_m, v) => FREE_TEXT.has(leafName(v.path)) && (v.kind === '$where string' || v.kind === '$gt string'),
  },
  {
    why: 'an identifier issued by someone else may contain "$" and braces: stored verbatim, never interpreted',
    applies: (_m, v) => FOREIGN_IDENTIFIERS.has(leafName(v.path)) && (v.kind === '$where string' || v.kind === '$gt string'),
  },
  {
    why: 'a list of enum values is a set: 10,001 repeats of one value are deduplicated to one (openingHours days, node services, webhook events, rule source types)',
    applies: (m, v) =>
      v.kind === 'oversized list' &&
      (isEnumType(schema.getType(v.named)) || `${m}.${dotted(v.path)}` === 'createWebhookSubscription.input.events'),
  },
  {
    why: 'an indicator is any finite number (units vary: yuan, percent, persons)',
    applies: (m, v) => m === 'upsertRegionalIndicators' && leafName(v.path) === 'value' && v.kind === 'huge number',
  },
  {
    why: 'an empty or blank optional text means "not given"',
    applies: (_m, v) => !v.type.endsWith('!') && (v.kind === 'empty' || v.kind === 'blank'),
  },
  {
    why: 'an empty optional list means "none" (no evidence, no teachers, no item rules, ...)',
    applies: (_m, v) => !v.type.endsWith('!') && v.kind === 'empty list',
  },
  {
    why: 'uploading no indicators stores nothing and answers 0',
    applies: (m, v) => m === 'upsertRegionalIndicators' && v.kind === 'empty list',
  },
  {
    why: 'an economic indicator may be negative (a decline, a deficit)',
    applies: (m, v) => m === 'upsertRegionalIndicators' && leafName(v.path) === 'value' && v.kind === 'negative',
  },
];

// ---- Known failures (findings; docs/reliability.md "Open findings") ----

interface KnownFailure {
  mutation: string;
  field: string;
  kinds: VariantKind[];
  finding: string;
  /** Accepted and stored: not sent (it would change the snapshot); everything else is still asserted. */
  stores?: boolean;
}

const KNOWN_FAILURES: KnownFailure[] = [
  // None open. Fixed since this list was written: cancelLearningProject named `projectId` for its
  // argument `id`; createStaffUser stored any text as `nodeId`; publishCreditStandard at 10,001 rules
  // (1.1 MB) hit the subgraph's 1 MB body limit (now the gateway's 16 MiB); import rows accepted
  // invisible, bidi-override and lone-surrogate text.
];

function knownFailure(mutation: string, v: Variant): KnownFailure | undefined {
  return KNOWN_FAILURES.find((k) => k.mutation === mutation && k.field === dotted(v.path) && k.kinds.includes(v.kind));
}

/**
 * Wrong passwords for a real user name count towards its login back-off by design
 * (services/account/src/domain/login-lockout.ts): the only thing a refused call may change.
 */
const LOGIN_BACKOFF = ['failedLogins', 'lockedUntil'];

// ---- The generated rows ----

function documentFor(f: RootField): string {
  const defs = f.field.args.map((a) => `$${a.name}: ${a.type.toString()}`);
  const args = f.field.args.map((a) => `${a.name}: $${a.name}`);
  const selection = isLeafType(getNamedType(f.field.type)) ? '' : ' { __typename }';
  return `mutation Bad${defs.length ? `(${defs.join(', ')})` : ''} { ${f.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

interface Row {
  mutation: string;
  variant: Variant;
  expected: string[];
}

/**
 * A bulk import reports a bad row in its batch report (ImportBatch.rejected and errors[].field, by
 * contract) instead of failing the whole call, and keeps that report: these rows run after the
 * nothing-stored check and must store no outcome.
 */
const isImportRow = (row: Row) => row.mutation === 'importOutcomes' && row.variant.path[0] === 'rows' && row.variant.path.length > 2;
const IMPORT_REPORT = `mutation Bad($batchRef: String!, $rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: $batchRef, rows: $rows) { accepted rejected errors { field code message } } }`;

function rowsOf(f: RootField): { rows: Row[]; allowed: Array<{ row: string; why: string }> } {
  const base = BASES[f.name]!;
  const rows: Row[] = [];
  const allowed: Array<{ row: string; why: string }> = [];
  for (const variant of badVariants(f.field.args, base.vars())) {
    const allow = ALLOWED.find((a) => a.applies(f.name, variant));
    if (allow) allowed.push({ row: `${f.name} ${dotted(variant.path)} ${variant.kind}`, why: allow.why });
    else rows.push({ mutation: f.name, variant, expected: ['BAD_USER_INPUT', ...alsoAccepted(f.name, variant)] });
  }
  return { rows, allowed };
}

/** Does the error name the field (extensions.field, or the coercion message's variable path)? */
function namesField(e: NonNullable<GraphQLResponse['errors']>[number], v: Variant): boolean {
  const leaf = leafName(v.path);
  const field = e.extensions?.['field'];
  const word = new RegExp(`(^|[^A-Za-z])\\$?${leaf.replace(/\$/g, '\\$')}([^A-Za-z]|$)`);
  // A rule about a pair of fields names their object (input.location for a latitude outside China).
  const parent = v.path.length > 2 && typeof v.path[v.path.length - 1] === 'string' ? dotted(v.path.slice(0, -1)) : undefined;
  return (typeof field === 'string' && (word.test(field) || field === parent)) || word.test(e.message);
}

function judge(row: Row, r: GraphQLResponse): string | undefined {
  const e = r.errors?.[0];
  if (r.status >= 500) return `HTTP ${r.status} ${e?.message?.slice(0, 120) ?? ''}`;
  if (!e) return 'accepted';
  const code = String(e.extensions?.['code'] ?? 'NONE');
  if (!row.expected.includes(code)) return `${code}: ${e.message.slice(0, 160)}`;
  if (code === 'BAD_USER_INPUT' && !namesField(e, row.variant))
    return `BAD_USER_INPUT not naming ${leafName(row.variant.path)}: field=${String(e.extensions?.['field'])} ${e.message.slice(0, 160)}`;
  return undefined;
}

async function pool<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

it('has a valid base call for every mutation of the supergraph (a new mutation needs one)', () => {
  const names = mutations.map((f) => f.name).sort();
  expect(names.filter((n) => !BASES[n])).toEqual([]);
  expect(Object.keys(BASES).filter((n) => !names.includes(n))).toEqual([]);
  expect(names.length).toBeGreaterThanOrEqual(50);
});

it('refuses every bad variant of every mutation with BAD_USER_INPUT naming the field, and stores nothing', async () => {
  const all = mutations.map((f) => ({ f, ...rowsOf(f) }));
  const rows = all.flatMap((x) => x.rows).filter((r) => !isImportRow(r) && !knownFailure(r.mutation, r.variant)?.stores);
  const documents = new Map(mutations.map((f) => [f.name, documentFor(f)]));
  const before = await namespaceSnapshot(platform.ns, { ignoreFields: LOGIN_BACKOFF });
  const problems: string[] = [];
  const known: string[] = [];
  const codes: Record<string, number> = {};
  const started = Date.now();
  await pool(rows, 8, async (row) => {
    const base = BASES[row.mutation]!;
    const token = base.token();
    const r = await graphql(
      platform.gatewayUrl,
      documents.get(row.mutation)!,
      applyVariant(base.vars(), row.variant),
      token ? { token } : {},
    );
    const code = String(r.errors?.[0]?.extensions?.['code'] ?? (r.errors ? 'NONE' : 'OK'));
    codes[code] = (codes[code] ?? 0) + 1;
    const problem = judge(row, r);
    const label = `${row.mutation} ${dotted(row.variant.path)} ${row.variant.kind}`;
    const finding = knownFailure(row.mutation, row.variant);
    if (problem && finding) known.push(label);
    else if (problem) problems.push(`${label}: ${problem}`);
    else if (finding)
      problems.push(`${label}: listed as a known failure (${finding.finding}) but passes now — remove it from KNOWN_FAILURES`);
  });
  const after = await namespaceSnapshot(platform.ns, { ignoreFields: LOGIN_BACKOFF });
  const allowed = all.flatMap((x) => x.allowed);
  console.log(
    `bad input: ${mutations.length} mutations, ${rows.length} rows sent (${JSON.stringify(codes)}), ` +
      `${allowed.length} allowed variants not sent, ${known.length} known failures, ${Date.now() - started} ms`,
  );
  expect(problems.sort()).toEqual([]);
  expect(rows.length).toBeGreaterThan(1500);
  expect(after).toEqual(before);
}, 240_000);

it('reports every bad row of a bulk import as rejected, naming the field, and stores no outcome', async () => {
  const rows = rowsOf(mutations.find((f) => f.name === 'importOutcomes')!)
    .rows.filter(isImportRow)
    .filter((r) => !knownFailure(r.mutation, r.variant)?.stores);
  const outcomes = async () => Object.entries(await namespaceSnapshot(platform.ns)).filter(([k]) => k.endsWith('_outcome.outcomes'));
  const before = await outcomes();
  const problems: string[] = [];
  const base = BASES['importOutcomes']!;
  type Report = { importOutcomes: { accepted: number; rejected: number; errors: Array<{ field: string | null; message: string }> } | null };
  await pool(rows, 8, async (row) => {
    const r = await graphql<Report>(platform.gatewayUrl, IMPORT_REPORT, applyVariant(base.vars(), row.variant), { token: base.token()! });
    const label = `importOutcomes ${dotted(row.variant.path)} ${row.variant.kind}`;
    const report = r.data?.importOutcomes;
    if (!report) {
      const problem = judge(row, r);
      if (problem) problems.push(`${label}: ${problem}`);
      return;
    }
    const e = report.errors[0];
    if (report.accepted !== 0 || report.rejected !== 1 || !e)
      problems.push(`${label}: accepted ${report.accepted}, rejected ${report.rejected}`);
    else if (!namesField({ message: e.message, extensions: { field: e.field } }, row.variant))
      problems.push(`${label}: row error not naming ${leafName(row.variant.path)}: ${e.field} ${e.message}`);
  });
  expect(problems.sort()).toEqual([]);
  expect(rows.length).toBeGreaterThan(80);
  expect(await outcomes()).toEqual(before);
}, 120_000);
