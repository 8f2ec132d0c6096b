import { makeResidentId, makeUscc } from '@creditbank/identity';
import { mintToken, type MintOptions } from './tokens.command';

/**
 * `creditbank seed`: the demo world, built through the public graph (the gateway), so every record
 * goes through the same validation, outbox and events as production data. Idempotent: a second run
 * finds what exists (CONFLICT → already there; imports are idempotent by externalRef) and adds only
 * what is missing.
 *
 * Scale 1 (what `npm start` seeds): Zhejiang's institutions in the seed document's proportions
 * (890 academic, 545 vocational certificate issuers, 854 vocational training schools, 2,469
 * non-academic), 2,000 learners at real townships across two provinces with households, outcomes over
 * the years from accredited institutions, some of them not yet claimed by an account.
 */
export interface SeedOptions {
  url: string;
  scale: number;
  keyFile?: string;
  kid: string;
  concurrency: number;
  log: (line: string) => void;
  progress?: (step: string, done: number, total: number) => void;
  /** Subscribe the partner university's webhooks to this URL (npm start's local receiver). */
  webhookUrl?: string;
}

export interface SeedReport {
  institutions: { created: number; existing: number };
  accredited: number;
  learners: { opened: number; existing: number };
  outcomes: { accepted: number; duplicates: number; rejected: number; unclaimedPeople: number };
  intakePoints: Record<string, number>;
  seconds: number;
  sample: { accountNo: string | null; nodeId: string | null; institutionCode: string | null };
  /** The partner university's institution code (its UNIVERSITY_PARTNER users manage rules and webhooks). */
  partnerUniversity: string;
  conversion: { rules: string[]; rewardItems: number; submitted: number; approved: number; redemptions: number };
  /** The webhook subscription and its current secret (rotated on every run: secrets are shown once). */
  webhook: { subscriptionId: string; url: string; secret: string } | null;
}

export const SEED_PROPORTIONS = { ACADEMIC: 890, VOCATIONAL_CERT_ISSUER: 545, VOCATIONAL_TRAINING: 854, NON_ACADEMIC: 2469 } as const;
type Category = keyof typeof SEED_PROPORTIONS;
const TYPE_OF: Record<Category, 'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC'> = {
  ACADEMIC: 'ACADEMIC',
  VOCATIONAL_CERT_ISSUER: 'VOCATIONAL',
  VOCATIONAL_TRAINING: 'VOCATIONAL',
  NON_ACADEMIC: 'NON_ACADEMIC',
};
const NAME_OF: Record<Category, string[]> = {
  ACADEMIC: ['成人文化技术学校', '社区学院', '开放大学学习中心', '继续教育学院教学点'],
  VOCATIONAL_CERT_ISSUER: ['职业技能等级认定站', '职业技能鉴定所', '技能评价中心'],
  VOCATIONAL_TRAINING: ['职业培训学校', '农民学校', '技能培训中心', '电商培训基地'],
  NON_ACADEMIC: ['老年大学', '社区学校', '文化礼堂', '农家书屋学习点', '党员教育基地', '健康学校'],
};
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾'.split('');
const GIVEN = [
  '秀英',
  '建国',
  '丽娟',
  '志强',
  '小红',
  '海燕',
  '国平',
  '玉兰',
  '伟',
  '芳',
  '敏',
  '静',
  '磊',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '春梅',
  '桂英',
  '金华',
  '永康',
];

type Json = Record<string, unknown>;
interface GqlError {
  message: string;
  extensions?: { code?: string };
}

export class SeedError extends Error {}

/** Worth asking again: an unexpected failure, or a service that timed out or could not be reached. */
const RETRYABLE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE']);
/**
 * Asked again up to this often (backoff 0.5 s doubling to 8 s, about 30 s of waiting in all, plus
 * each answer's own wait): a first start on a busy machine (a CI run, beside the fault-injection
 * tests) once had the intake-network subgraph answer SERVICE_TIMEOUT four times in a row.
 */
const MAX_RETRIES = 6;

function client(url: string) {
  return async function gql<T>(query: string, variables: Json, token?: string): Promise<{ data?: T; errors?: GqlError[] }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(120_000),
        });
        const body = (await res.json()) as { data?: T; errors?: GqlError[] };
        // A busy platform (first start: every service is catching up on events) may time out; every
        // seeding step is idempotent, so it is safe to ask again.
        const first = body.errors?.[0];
        if (first && RETRYABLE_CODES.has(first.extensions?.code ?? '') && attempt < MAX_RETRIES) throw new Error(first.message);
        return body;
      } catch (error) {
        if (attempt >= MAX_RETRIES) throw new SeedError(`cannot reach ${url}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 8_000)));
      }
    }
  };
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** Retry while another service has not yet learned what it needs from the events (eventual consistency). */
async function untilKnown<T>(what: string, attempt: () => Promise<T | 'retry'>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 200; ; wait = Math.min(wait * 2, 3_000)) {
    const r = await attempt();
    if (r !== 'retry') return r;
    if (Date.now() > deadline) throw new SeedError(`${what}: the services did not catch up within ${timeoutMs / 1000} s`);
    await new Promise((res) => setTimeout(res, wait));
  }
}

interface Node {
  id: string;
  name: string;
  province: string;
  adminDivision: string;
}
interface Item {
  code: string;
  name: string;
  type: 'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC';
  hours: number | null;
}

export async function seedDemoWorld(o: SeedOptions): Promise<SeedReport> {
  if (!(o.scale > 0 && o.scale <= 50)) throw new SeedError('scale must be greater than 0 and at most 50');
  const t0 = Date.now();
  const gql = client(o.url);
  const mint = (m: Omit<MintOptions, 'ttlHours' | 'kid' | 'issuer' | 'audience' | 'keyFile'>) =>
    mintToken({
      ...m,
      ttlHours: 4,
      kid: o.kid,
      issuer: 'creditbank',
      audience: 'creditbank-api',
      ...(o.keyFile ? { keyFile: o.keyFile } : {}),
    }).token;
  const admin: Record<string, string> = {
    '33': mint({ role: 'CENTER_ADMIN', province: '33' }),
    '44': mint({ role: 'CENTER_ADMIN', province: '44' }),
  };
  const operatorTokens = new Map<string, string>();
  const operator = (n: Node) => {
    let t = operatorTokens.get(n.id);
    if (!t)
      operatorTokens.set(n.id, (t = mint({ role: 'INTAKE_OPERATOR', province: n.province, node: n.id, sub: `demo-operator-${n.id}` })));
    return t;
  };

  // 1. Intake points the network seed created (public query): learners and institutions are spread
  //    over the first few hundred townships of each province (in division order).
  const nodes: Node[] = [];
  const intakePoints: Record<string, number> = {};
  const pages = Math.max(1, Math.min(17, Math.ceil(o.scale * 3)));
  for (const province of ['33', '44']) {
    let after: string | null = null;
    for (let p = 0; p < pages; p++) {
      const page: {
        data?: {
          serviceNodes: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: Node }> };
        };
        errors?: GqlError[];
      } = await gql(
        `query($f: ServiceNodeFilter, $after: String) { serviceNodes(filter: $f, first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name province adminDivision } } } }`,
        { f: { province, kind: 'INTAKE_POINT', status: 'ACTIVE' }, after },
      );
      if (!page.data) throw new SeedError(`listing intake points failed: ${page.errors?.[0]?.message ?? 'no data'}`);
      for (const e of page.data.serviceNodes.edges) nodes.push(e.node);
      intakePoints[province] = page.data.serviceNodes.totalCount;
      if (!page.data.serviceNodes.pageInfo.hasNextPage) break;
      after = page.data.serviceNodes.pageInfo.endCursor;
    }
  }
  const zj = nodes.filter((n) => n.province === '33');
  const gd = nodes.filter((n) => n.province === '44');
  if (zj.length === 0)
    throw new SeedError(
      'no intake points in province 33: seed the network first (node services/intake-network/dist/seed-network.js --province 33)',
    );
  o.log(
    `intake points: ${intakePoints['33']} in Zhejiang (33), ${intakePoints['44'] ?? 0} in Guangdong (44); the demo world lives at ${zj.length} + ${gd.length} of them`,
  );

  // 2. The published catalogue (public query).
  const items: Item[] = [];
  {
    let after: string | null = null;
    do {
      const page: {
        data?: { catalogItems: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: Item }> } };
      } = await gql(
        `query($after: String) { catalogItems(filter: { status: "PUBLISHED" }, first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { code name type hours } } } }`,
        { after },
      );
      if (!page.data) throw new SeedError('listing the catalogue failed');
      items.push(...page.data.catalogItems.edges.map((e) => e.node));
      after = page.data.catalogItems.pageInfo.hasNextPage ? page.data.catalogItems.pageInfo.endCursor : null;
    } while (after);
  }
  const itemsOf = (type: Item['type']) => items.filter((i) => i.type === type);
  if (!itemsOf('VOCATIONAL').length || !itemsOf('NON_ACADEMIC').length)
    throw new SeedError('the catalogue is empty: seed the standards first');

  // 3. Institutions in the seed document's proportions, spread over Zhejiang's townships.
  const place = (n: Node) => n.name.replace(/受理点$/, '');
  const institutions: Array<{ code: string; name: string; category: Category; adminDivision: string }> = [];
  for (const [category, full] of Object.entries(SEED_PROPORTIONS) as Array<[Category, number]>) {
    const count = Math.max(2, Math.round(full * Math.min(o.scale, 1)));
    for (let i = 0; i < count; i++) {
      const n = zj[(i * 7 + category.length) % zj.length]!;
      const names = NAME_OF[category];
      institutions.push({
        code: makeUscc(
          n.adminDivision.slice(0, 6),
          10_000 * (Object.keys(SEED_PROPORTIONS).indexOf(category) + 1) + i,
          category === 'ACADEMIC' ? '12' : '52',
        ),
        name: `${place(n)}${names[i % names.length]}${i >= names.length ? `（${Math.floor(i / names.length) + 1}）` : ''}`,
        category,
        adminDivision: n.adminDivision.slice(0, 6),
      });
    }
  }
  const university = { code: makeUscc('330106', 1, '12'), name: '浙江开放大学', category: 'UNIVERSITY', adminDivision: '330106' };
  let created = 0;
  let existing = 0;
  await pool([...institutions, university], o.concurrency, async (inst, i) => {
    const r = await gql<{ registerInstitution: { code: string } }>(
      `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }`,
      { i: { ...inst, province: '33' } },
      admin['33'],
    );
    if (r.data) created++;
    else if (r.errors?.[0]?.extensions?.code === 'CONFLICT') existing++;
    else throw new SeedError(`registering ${inst.name} failed: ${r.errors?.[0]?.message}`);
    o.progress?.('institutions', i + 1, institutions.length + 1);
  });
  o.log(
    `institutions: ${created} registered, ${existing} already there (${institutions.length} + the partner university ${university.name})`,
  );

  // 4. Accreditation for the institutions that deposit in the demo (the standards service learns of
  //    each institution from its event, so this waits until it has).
  const depositing = (['VOCATIONAL_CERT_ISSUER', 'VOCATIONAL_TRAINING', 'NON_ACADEMIC', 'ACADEMIC'] as Category[]).flatMap((c) =>
    institutions.filter((i) => i.category === c).slice(0, Math.max(2, Math.round(6 * o.scale))),
  );
  await pool(depositing, o.concurrency, async (inst) => {
    await untilKnown(`accrediting ${inst.name}`, async () => {
      const r = await gql(
        `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }`,
        { i: { institutionCode: inst.code, outcomeTypes: [TYPE_OF[inst.category]], bulkDeposit: true, validUntil: '2030-12-31' } },
        admin['33'],
      );
      if (r.data) return true;
      const code = r.errors?.[0]?.extensions?.code;
      if (code === 'NOT_FOUND' || code === 'BAD_USER_INPUT') return 'retry';
      if (code === 'CONFLICT') return true;
      throw new SeedError(`accrediting ${inst.name} failed: ${r.errors?.[0]?.message}`);
    });
  });
  o.log(`accredited: ${depositing.length} institutions for bulk deposit`);

  // 5. Learners with plausible lives: at their township's intake point, in households of 1–4.
  const learnerCount = Math.round(2000 * o.scale);
  const unclaimedCount = Math.round(learnerCount * 0.05);
  const people = Array.from({ length: learnerCount + unclaimedCount }, (_, i) => {
    const inGd = gd.length > 0 && i % 10 === 9;
    const list = inGd ? gd : zj;
    const node = list[(i * 37) % list.length]!;
    const birth = new Date(Date.UTC(1950, 0, 1) + ((i * 7919) % 18_000) * 86_400_000).toISOString().slice(0, 10);
    const gender = i % 2; // odd 17th digit: male
    const idNumber = makeResidentId(node.adminDivision.slice(0, 6), birth, (Math.floor(i / 18_000) * 2 + gender) % 1000);
    const name = SURNAMES[i % SURNAMES.length]! + GIVEN[(i * 7) % GIVEN.length]!;
    const household = `hh-${node.adminDivision}-${Math.floor(i / 3)}`;
    return { i, node, idNumber, name, household, phone: `13${(800_000_000 + i * 7).toString().slice(0, 9)}`, opened: i < learnerCount };
  });
  let opened = 0;
  let already = 0;
  let sampleAccount: string | null = null;
  await pool(
    people.filter((p) => p.opened),
    o.concurrency,
    async (p, k) => {
      const r = await gql<{ openLearnerAccount: { learner: { accountNo: string } } }>(
        `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
        {
          i: {
            idNumber: p.idNumber,
            name: p.name,
            phone: p.phone,
            adminDivision: p.node.adminDivision,
            agreementVersion: '2026-01',
            householdId: p.household,
            educationLevel: ['初中', '高中', '中专', '大专', '本科'][p.i % 5],
          },
        },
        operator(p.node),
      );
      if (r.data) {
        opened++;
        if (p.i === 0) sampleAccount = r.data.openLearnerAccount.learner.accountNo;
      } else if (r.errors?.[0]?.extensions?.code === 'CONFLICT') already++;
      else throw new SeedError(`opening an account at ${p.node.name} failed: ${r.errors?.[0]?.message}`);
      o.progress?.('learners', k + 1, learnerCount);
    },
  );
  o.log(`learners: ${opened} accounts opened, ${already} already there; ${unclaimedCount} more people have outcomes but no account yet`);
  if (!sampleAccount) {
    const r = await gql<{ learnerByIdNumber: { accountNo: string } | null }>(
      `query($n: String!) { learnerByIdNumber(idNumber: $n) { accountNo } }`,
      { n: people[0]!.idNumber },
      admin[people[0]!.node.province],
    );
    sampleAccount = r.data?.learnerByIdNumber?.accountNo ?? null;
  }

  // 6. Outcomes over the years, deposited by the accredited institutions in batches.
  const rowsByInst = new Map<string, Json[]>();
  for (const p of people) {
    const k = 2 + (p.i % 5);
    for (let j = 0; j < k; j++) {
      const inst = depositing[(p.i * 3 + j) % depositing.length]!;
      const candidates = itemsOf(TYPE_OF[inst.category]);
      if (candidates.length === 0) continue;
      const item = candidates[(p.i + j * 5) % candidates.length]!;
      const year = 2012 + ((p.i + j * 3) % 14); // 2012–2025: never in the future
      const rows = rowsByInst.get(inst.code) ?? [];
      rows.push({
        externalRef: `demo-${p.i}-${j}`,
        idNumber: p.idNumber,
        name: p.name,
        type: item.type,
        catalogItemCode: item.code,
        title: item.name,
        ...(item.hours ? { hours: item.hours } : {}),
        score: 60 + ((p.i * 13 + j) % 41),
        achievedAt: `${year}-${String(1 + ((p.i + j) % 12)).padStart(2, '0')}-${String(1 + ((p.i * 7 + j) % 28)).padStart(2, '0')}`,
      });
      rowsByInst.set(inst.code, rows);
    }
  }
  const outcomes = { accepted: 0, duplicates: 0, rejected: 0, unclaimedPeople: unclaimedCount };
  const batches = [...rowsByInst].flatMap(([code, rows]) =>
    Array.from({ length: Math.ceil(rows.length / 5000) }, (_, b) => ({ code, n: b, rows: rows.slice(b * 5000, (b + 1) * 5000) })),
  );
  const totalRows = batches.reduce((s, b) => s + b.rows.length, 0);
  let sent = 0;
  await pool(batches, 2, async (b) => {
    const token = mint({ role: 'INSTITUTION_ADMIN', province: '33', inst: b.code, sub: `demo-inst-admin-${b.code}` });
    const r = await untilKnown(`importing outcomes of ${b.code}`, async () => {
      const res = await gql<{ importOutcomes: { accepted: number; duplicates: number; rejected: number } }>(
        `mutation($r: String!, $rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: $r, rows: $rows) { accepted duplicates rejected } }`,
        { r: `demo-${b.code}-${b.n}`, rows: b.rows },
        token,
      );
      if (res.data) return res.data.importOutcomes;
      const code = res.errors?.[0]?.extensions?.code;
      if (code === 'FORBIDDEN' || code === 'NOT_FOUND') return 'retry'; // accreditation not yet known to the outcome service
      throw new SeedError(`importing outcomes of ${b.code} failed: ${res.errors?.[0]?.message}`);
    });
    outcomes.accepted += r.accepted;
    outcomes.duplicates += r.duplicates;
    outcomes.rejected += r.rejected;
    sent += b.rows.length;
    o.progress?.('outcomes', sent, totalRows);
  });
  o.log(
    `outcomes: ${outcomes.accepted} deposited, ${outcomes.duplicates} already there, ${outcomes.rejected} rejected (${batches.length} import batches)`,
  );

  // 7. The partner university's conversion rules (drafted by the partner, published by the centre),
  //    rewards, and some learners' conversions and redemptions.
  const partner = mint({ role: 'UNIVERSITY_PARTNER', province: '33', inst: university.code, sub: 'demo-partner-zjou' });
  const ruleSpecs = [
    {
      name: '职业技能等级证书 → 电气工程基础（4 学分）',
      creditsRequired: 6,
      source: { types: ['VOCATIONAL'], withinYears: 15 },
      target: {
        kind: 'COURSE_CREDIT',
        institutionCode: university.code,
        courseCode: 'EE101',
        courseName: '电气工程基础',
        levelCategory: '专科',
        credits: 4,
      },
    },
    {
      name: '社区与老年教育 → 老年开放大学荣誉证书',
      creditsRequired: 4,
      source: { types: ['NON_ACADEMIC'] },
      target: { kind: 'HONORARY_DEGREE', institutionCode: university.code, courseName: '老年开放大学荣誉证书' },
    },
  ];
  const existingRules = await gql<{ conversionRules: { edges: Array<{ node: { id: string; name: string; status: string } }> } }>(
    `query($f: RuleFilter) { conversionRules(filter: $f, first: 50) { edges { node { id name status } } } }`,
    { f: { targetInstitutionCode: university.code } },
    partner,
  );
  const ruleIds: string[] = [];
  for (const spec of ruleSpecs) {
    const found = existingRules.data?.conversionRules.edges.map((e) => e.node).find((r) => r.name === spec.name && r.status !== 'RETIRED');
    let id = found?.id;
    if (!id) {
      const r = await gql<{ draftConversionRule: { id: string } }>(
        `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id } }`,
        { i: spec },
        partner,
      );
      if (!r.data) throw new SeedError(`drafting the rule “${spec.name}” failed: ${r.errors?.[0]?.message}`);
      id = r.data.draftConversionRule.id;
    }
    if (found?.status !== 'PUBLISHED') {
      const r = await gql(`mutation($id: ID!) { publishConversionRule(id: $id) { status } }`, { id }, admin['33']);
      if (!r.data) throw new SeedError(`publishing the rule “${spec.name}” failed: ${r.errors?.[0]?.message}`);
    }
    ruleIds.push(id);
  }
  // The partner's webhook subscription before the applications, so their events are delivered (a new
  // secret on every run: secrets are shown only once).
  let webhook: SeedReport['webhook'] = null;
  if (o.webhookUrl) {
    const subs = await gql<{ webhookSubscriptions: Array<{ id: string; url: string; status: string }> }>(
      `{ webhookSubscriptions { id url status } }`,
      {},
      partner,
    );
    const found = subs.data?.webhookSubscriptions.find((w) => w.url === o.webhookUrl && w.status === 'ACTIVE');
    const r = found
      ? await gql<{ rotateWebhookSecret: { secret: string; subscription: { id: string } } }>(
          `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret subscription { id } } }`,
          { id: found.id },
          partner,
        )
      : await gql<{ createWebhookSubscription: { secret: string; subscription: { id: string } } }>(
          `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret subscription { id } } }`,
          {
            i: {
              url: o.webhookUrl,
              events: [
                'conversion.submitted',
                'conversion.preliminarily-approved',
                'conversion.approved',
                'conversion.rejected',
                'conversion.cancelled',
                'conversion.needs-review',
              ],
            },
          },
          partner,
        );
    const out = r.data ? Object.values(r.data)[0]! : null;
    if (!out) throw new SeedError(`the webhook subscription failed: ${r.errors?.[0]?.message}`);
    webhook = { subscriptionId: out.subscription.id, url: o.webhookUrl, secret: out.secret };
    o.log(`webhooks: ${university.name} receives conversion events at ${o.webhookUrl}`);
  }

  const rewards = [
    { code: 'TRANSIT-100', name: '公交出行积分 100 点', kind: 'TRANSIT_POINTS', pointsCost: 100, stock: 100_000 },
    { code: 'CARD-50', name: '市民卡充值 50 元', kind: 'STUDENT_CARD_TOPUP', pointsCost: 500, stock: 2_000 },
    { code: 'TICKET-WESTLAKE', name: '西湖文化景点门票', kind: 'ADMISSION_TICKET', pointsCost: 300, stock: 500 },
    { code: 'FEE-WAIVER-ZJOU', name: '浙江开放大学课程学费减免', kind: 'COURSE_FEE_WAIVER', pointsCost: 1_000, stock: 200 },
  ];
  for (const item of rewards) {
    const r = await gql(
      `mutation($i: RewardItemInput!) { upsertRewardItem(input: $i) { code } }`,
      { i: { ...item, province: '33' } },
      admin['33'],
    );
    if (!r.data) throw new SeedError(`the reward ${item.code} failed: ${r.errors?.[0]?.message}`);
  }
  const converting = people.filter((p) => p.opened && p.node.province === '33' && p.i % 20 === 0);
  let submitted = 0;
  let approved = 0;
  let redemptions = 0;
  const accountOf = async (p: (typeof people)[number]) =>
    (
      await gql<{ learnerByIdNumber: { accountNo: string } | null }>(
        `query($n: String!) { learnerByIdNumber(idNumber: $n) { accountNo } }`,
        { n: p.idNumber },
        admin['33'],
      )
    ).data?.learnerByIdNumber?.accountNo ?? null;
  // The conversion service learns recognised outcomes from events: wait until it has caught up with
  // the first of these learners (then the others are there too, or nearly).
  const firstAccount = converting[0] ? await accountOf(converting[0]) : null;
  if (firstAccount) {
    const token = mint({ role: 'LEARNER', province: '33', acct: firstAccount, sub: firstAccount });
    await untilKnown(
      'the conversion service catching up with the outcomes',
      async () => {
        const r = await gql<{ learner: { creditAccount: { recognized: number } } | null }>(
          `query($a: ID!) { learner(accountNo: $a) { creditAccount { recognized } } }`,
          { a: firstAccount },
          token,
        );
        return (r.data?.learner?.creditAccount.recognized ?? 0) > 0 ? true : 'retry';
      },
      60_000,
    ).catch(() => false);
  }
  await pool(converting, Math.min(4, o.concurrency), async (p, k) => {
    const accountNo = await accountOf(p);
    if (!accountNo) return;
    const learner = mint({ role: 'LEARNER', province: '33', acct: accountNo, sub: accountNo });
    const ruleId = ruleIds[p.i % 40 === 0 ? 0 : 1]!;
    const r = await gql<{ simulateConversion: { eligible: boolean; suggestedOutcomeIds: string[] } }>(
      `query($a: ID!, $r: ID!) { simulateConversion(accountNo: $a, ruleId: $r) { eligible suggestedOutcomeIds } }`,
      { a: accountNo, r: ruleId },
      learner,
    );
    const sim = r.data?.simulateConversion.eligible ? r.data.simulateConversion : null;
    if (sim) {
      const sub = await gql<{ submitConversion: { id: string; status: string } }>(
        `mutation($i: SubmitConversionInput!) { submitConversion(input: $i) { id status } }`,
        { i: { accountNo, ruleId, outcomeIds: sim.suggestedOutcomeIds, idempotencyKey: `demo-conversion-${p.i}` } },
        learner,
      );
      if (sub.data) {
        submitted++;
        if (k % 2 === 0) {
          const id = sub.data.submitConversion.id;
          // Replays of the seed find these steps done already (an illegal step is refused; fine).
          await gql(
            `mutation($id: ID!) { preliminaryReview(id: $id, approve: true, note: "材料齐全") { status } }`,
            { id },
            operator(p.node),
          );
          const d = await gql<{ decideConversion: { status: string } }>(
            `mutation($id: ID!) { decideConversion(id: $id, approve: true, note: "同意转换") { status } }`,
            { id },
            partner,
          );
          if (d.data?.decideConversion.status === 'APPROVED' || sub.data.submitConversion.status === 'APPROVED') approved++;
        }
      }
    }
    const red = await gql(
      `mutation($a: ID!, $k: String!) { redeemReward(accountNo: $a, itemCode: "TRANSIT-100", quantity: 1, idempotencyKey: $k) { id } }`,
      { a: accountNo, k: `demo-redeem-${p.i}` },
      learner,
    );
    if (red.data) redemptions++;
  });
  o.log(
    `conversion: ${ruleIds.length} published rules of ${university.name}, ${rewards.length} rewards, ${submitted} applications (${approved} approved), ${redemptions} redemptions`,
  );

  return {
    institutions: { created, existing },
    accredited: depositing.length,
    learners: { opened, existing: already },
    outcomes,
    intakePoints,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    sample: { accountNo: sampleAccount, nodeId: people[0]!.node.id, institutionCode: depositing[0]?.code ?? null },
    partnerUniversity: university.code,
    conversion: { rules: ruleIds, rewardItems: rewards.length, submitted, approved, redemptions },
    webhook,
  };
}
