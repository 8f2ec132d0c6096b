import { makeUscc } from '@creditbank/identity';
import { makeAccountNo, type Role } from '@creditbank/kernel';
import { rootOperations } from '@creditbank/server';
import { graphql, tokens } from '@creditbank/testing';
import { typeDefs } from '../src/main';
import { PUBLISH, UPSERT, startStandards, type StandardsHarness } from './harness';

/**
 * Tenancy and role matrix: for every query and mutation of the standards subgraph,
 * 1. a token of another province (every role) gets nothing more than an anonymous caller and changes
 *    nothing — also through `_entities` sent straight to the subgraph;
 * 2. each role of the same province is allowed or refused exactly as the table says, and a refused
 *    call changes nothing.
 * Both tables must cover exactly the operations of the schema.
 */
let h: StandardsHarness;
const school = makeUscc('330106', 701);
const schoolB = makeUscc('330106', 702);
const gdSchool = makeUscc('440106', 703);
let certId: string;

const foreign: Record<string, () => string> = {
  'centre admin of 44': () => tokens.centerAdmin('44'),
  'expert of 44': () => tokens.expert('44'),
  'analyst of 44': () => tokens.analyst('44'),
  'operator of 44': () => tokens.operator('sn-gd-1', '44'),
  'institution admin of 44': () => tokens.institutionAdmin(gdSchool, '44'),
  'university partner of 44': () => tokens.universityPartner(gdSchool, '44'),
  'learner of 44': () => tokens.learner(makeAccountNo('44', 3)),
};

const COLLECTIONS = [
  'catalog_items',
  'credit_standards',
  'accreditations',
  'course_certifications',
  'qualification_levels',
  'institutions',
];
async function snapshot() {
  const all = await Promise.all(
    COLLECTIONS.map((c) =>
      h.db
        .collection(c)
        .find({}, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } })
        .sort({ _id: 1 })
        .toArray(),
    ),
  );
  return JSON.stringify(Object.fromEntries(COLLECTIONS.map((c, i) => [c, all[i]])));
}

beforeAll(async () => {
  h = await startStandards();
  const platform = tokens.platformAdmin('11');
  const zj = tokens.centerAdmin('33');
  await h.ok(
    UPSERT,
    { i: { code: 'VT-TEA', name: '茶叶加工与品质鉴评', type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', hours: 40 } },
    platform,
  );
  await h.ok(PUBLISH, { c: 'VT-TEA' }, platform);
  const cs = { code: '33-ZJOU-CS104', name: '计算机应用基础', type: 'ACADEMIC', subtype: 'ACADEMIC_COURSE', level: 4, standardCredits: 4 };
  await h.ok(UPSERT, { i: cs }, zj);
  await h.ok(PUBLISH, { c: cs.code }, zj);
  await h.ok(UPSERT, { i: { ...cs, name: '计算机应用基础（修订草稿）' } }, zj);
  await h.ok(
    UPSERT,
    { i: { code: '33-SECRET-DRAFT', name: '未发布的省级课程', type: 'NON_ACADEMIC', subtype: 'COMMUNITY_EDUCATION' } },
    zj,
  );
  await h.ok(
    `mutation($i: CreditStandardInput!) { publishCreditStandard(input: $i) { version } }`,
    { i: { province: '33', name: '浙江省学分认定标准', pointsPerCredit: 100, rules: [{ type: 'ACADEMIC', method: 'DECLARED' }] } },
    zj,
  );
  await h.institution({ code: school });
  await h.institution({ code: schoolB, name: '另一所学校' });
  await h.institution({ code: gdSchool, province: '44', adminDivision: '440106' });
  await h.ok(
    `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }`,
    { i: { institutionCode: school, outcomeTypes: ['VOCATIONAL'], bulkDeposit: true, validUntil: '2029-12-31' } },
    zj,
  );
  const submitted = await h.ok<{ submitCourseCertification: { id: string } }>(
    `mutation($i: CourseCertificationInput!) { submitCourseCertification(input: $i) { id } }`,
    {
      i: {
        institutionCode: school,
        title: '茶叶加工实训',
        catalogItemCode: 'VT-TEA',
        hours: 40,
        syllabus: '采摘、杀青、揉捻、干燥与品质鉴评',
        assessment: '实操',
      },
    },
    tokens.institutionAdmin(school),
  );
  certId = submitted.submitCourseCertification.id;
});

afterAll(async () => {
  await h?.stop();
});

type Data = Record<string, unknown> | null | undefined;
type Case = {
  query: string;
  variables: () => Record<string, unknown>;
  /** Public operations: a foreign token gets exactly what an anonymous caller gets (and this holds). */
  public?: true;
  nothing: (data: Data) => boolean;
  /** For the role matrix: a call that changes nothing even for an allowed role. */
  probe?: { query: string; variables?: () => Record<string, unknown> };
};
const nullField = (field: string) => (d: Data) => !d || d[field] === null || d[field] === undefined;
const noTotal = (field: string) => (d: Data) => !d || !d[field] || (d[field] as { totalCount: number }).totalCount === 0;
const always = () => true;

const CASES: Record<string, Case> = {
  'Query.catalogItem': {
    query: `{ a: catalogItem(code: "33-SECRET-DRAFT") { code } b: catalogItem(code: "33-ZJOU-CS104", version: 2) { code } c: catalogItem(code: "33-ZJOU-CS104") { code versions { version status name } } }`,
    variables: () => ({}),
    public: true,
    nothing: (d) =>
      !!d &&
      d['a'] === null &&
      d['b'] === null &&
      !(d['c'] as { versions: Array<{ status: string }> }).versions.some((v) => v.status === 'DRAFT'),
  },
  'Query.catalogItems': {
    query: `{ d: catalogItems(filter: { status: "DRAFT" }) { totalCount edges { node { code } } } p: catalogItems(filter: { province: "33" }) { totalCount } }`,
    variables: () => ({}),
    public: true,
    nothing: (d) => !!d && (d['d'] as { totalCount: number }).totalCount === 0,
  },
  'Query.catalogSubtypes': { query: `{ catalogSubtypes { code type } }`, variables: () => ({}), public: true, nothing: always },
  'Query.qualificationLevels': { query: `{ qualificationLevels { level name } }`, variables: () => ({}), public: true, nothing: always },
  'Query.creditStandard': {
    query: `{ creditStandard(province: "33") { version name status rules { type method } } }`,
    variables: () => ({}),
    public: true,
    nothing: always,
  },
  'Query.creditStandardVersions': {
    query: `{ creditStandardVersions(province: "33") { totalCount edges { node { version } } } }`,
    variables: () => ({}),
    public: true,
    nothing: always,
  },
  'Query.creditPreview': {
    query: `{ creditPreview(input: { province: "33", catalogItemCode: "33-ZJOU-CS104", credits: 4 }) { credits points catalogItemVersion } }`,
    variables: () => ({}),
    public: true,
    nothing: always,
  },
  'Query.outcomeImportSchema': { query: `{ outcomeImportSchema }`, variables: () => ({}), public: true, nothing: always },
  'Query.accreditations': {
    query: `{ accreditations { totalCount edges { node { institutionCode } } } }`,
    variables: () => ({}),
    nothing: noTotal('accreditations'),
  },
  'Query.courseCertification': {
    query: `query($id: ID!) { courseCertification(id: $id) { title } }`,
    variables: () => ({ id: certId }),
    nothing: nullField('courseCertification'),
  },
  'Query.courseCertifications': {
    query: `{ courseCertifications { totalCount edges { node { title } } } }`,
    variables: () => ({}),
    nothing: noTotal('courseCertifications'),
  },
  'Mutation.upsertCatalogItem': {
    query: `mutation { upsertCatalogItem(input: { code: "33-SECRET-DRAFT", name: "篡改", type: NON_ACADEMIC }) { code } }`,
    variables: () => ({}),
    nothing: nullField('upsertCatalogItem'),
    probe: { query: `mutation { upsertCatalogItem(input: { code: "33-PROBE-1", name: "x", type: VOCATIONAL }) { code } }` },
  },
  'Mutation.publishCatalogItem': {
    query: `mutation { publishCatalogItem(code: "33-SECRET-DRAFT") { code } }`,
    variables: () => ({}),
    nothing: nullField('publishCatalogItem'),
    probe: { query: `mutation { publishCatalogItem(code: "33-PROBE-NONE") { code } }` },
  },
  'Mutation.retireCatalogItem': {
    query: `mutation { retireCatalogItem(code: "33-ZJOU-CS104", reason: "x") { code } }`,
    variables: () => ({}),
    nothing: nullField('retireCatalogItem'),
    probe: { query: `mutation { retireCatalogItem(code: "33-PROBE-NONE") { code } }` },
  },
  'Mutation.publishCreditStandard': {
    query: `mutation { publishCreditStandard(input: { province: "33", name: "篡改的标准", pointsPerCredit: 1000, rules: [{ type: ACADEMIC, method: FIXED, credits: 100 }] }) { version } }`,
    variables: () => ({}),
    nothing: nullField('publishCreditStandard'),
    probe: {
      query: `mutation { publishCreditStandard(input: { province: "33", name: "探测", pointsPerCredit: 1, rules: [] }) { version } }`,
    },
  },
  'Mutation.upsertQualificationLevel': {
    query: `mutation { upsertQualificationLevel(input: { level: 1, name: "篡改", descriptor: "x" }) { level } }`,
    variables: () => ({}),
    nothing: nullField('upsertQualificationLevel'),
    probe: { query: `mutation { upsertQualificationLevel(input: { level: 99, name: "x", descriptor: "x" }) { level } }` },
  },
  'Mutation.accreditInstitution': {
    query: `mutation($c: ID!) { accreditInstitution(input: { institutionCode: $c, outcomeTypes: [ACADEMIC], bulkDeposit: true, validUntil: "2030-01-01" }) { status } }`,
    variables: () => ({ c: school }),
    nothing: nullField('accreditInstitution'),
    probe: {
      query: `mutation($c: ID!) { accreditInstitution(input: { institutionCode: $c, outcomeTypes: [ACADEMIC], bulkDeposit: true, validUntil: "not a date" }) { status } }`,
      variables: () => ({ c: school }),
    },
  },
  'Mutation.suspendAccreditation': {
    query: `mutation($c: ID!) { suspendAccreditation(institutionCode: $c, reason: "x") { status } }`,
    variables: () => ({ c: school }),
    nothing: nullField('suspendAccreditation'),
    probe: {
      query: `mutation($c: ID!) { suspendAccreditation(institutionCode: $c, reason: "x") { status } }`,
      variables: () => ({ c: makeUscc('330106', 799) }),
    },
  },
  'Mutation.submitCourseCertification': {
    query: `mutation($c: ID!) { submitCourseCertification(input: { institutionCode: $c, title: "冒名课程", catalogItemCode: "VT-TEA", hours: 10, syllabus: "冒名提交的课程大纲内容", assessment: "无" }) { id } }`,
    variables: () => ({ c: school }),
    nothing: nullField('submitCourseCertification'),
    probe: {
      query: `mutation($c: ID!) { submitCourseCertification(input: { institutionCode: $c, title: "探测", catalogItemCode: "VT-TEA", hours: 10, syllabus: "探测用的课程大纲内容", assessment: "无" }) { id } }`,
      variables: () => ({ c: schoolB }),
    },
  },
  'Mutation.reviewCourseCertification': {
    query: `mutation($id: ID!) { reviewCourseCertification(id: $id, decision: APPROVE, score: 100) { status } }`,
    variables: () => ({ id: certId }),
    nothing: nullField('reviewCourseCertification'),
    probe: { query: `mutation { reviewCourseCertification(id: "cc-none", decision: APPROVE) { status } }` },
  },
};

const PUBLIC_ROLES = 'PUBLIC' as const;
/** Who may call each operation (same province). Written independently of graphql/policy.ts. */
const ALLOWED: Record<string, readonly Role[] | typeof PUBLIC_ROLES> = {
  'Query.catalogItem': PUBLIC_ROLES,
  'Query.catalogItems': PUBLIC_ROLES,
  'Query.catalogSubtypes': PUBLIC_ROLES,
  'Query.qualificationLevels': PUBLIC_ROLES,
  'Query.creditStandard': PUBLIC_ROLES,
  'Query.creditStandardVersions': PUBLIC_ROLES,
  'Query.creditPreview': PUBLIC_ROLES,
  'Query.outcomeImportSchema': PUBLIC_ROLES,
  'Query.accreditations': ['CENTER_ADMIN', 'ANALYST', 'PLATFORM_ADMIN'],
  'Query.courseCertification': ['INSTITUTION_ADMIN', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN'],
  'Query.courseCertifications': ['INSTITUTION_ADMIN', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.upsertCatalogItem': ['CENTER_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.publishCatalogItem': ['CENTER_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.retireCatalogItem': ['CENTER_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.publishCreditStandard': ['CENTER_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.upsertQualificationLevel': ['PLATFORM_ADMIN'],
  'Mutation.accreditInstitution': ['CENTER_ADMIN'],
  'Mutation.suspendAccreditation': ['CENTER_ADMIN'],
  'Mutation.submitCourseCertification': ['INSTITUTION_ADMIN'],
  'Mutation.reviewCourseCertification': ['EXPERT'],
};

const sameProvince: Record<Role | 'ANONYMOUS', () => string> = {
  ANONYMOUS: () => '',
  LEARNER: () => tokens.learner(makeAccountNo('33', 3)),
  INTAKE_OPERATOR: () => tokens.operator('sn-zj-1', '33'),
  INSTITUTION_ADMIN: () => tokens.institutionAdmin(school, '33'),
  EXPERT: () => tokens.expert('33'),
  UNIVERSITY_PARTNER: () => tokens.universityPartner(school, '33'),
  CENTER_ADMIN: () => tokens.centerAdmin('33'),
  ANALYST: () => tokens.analyst('33'),
  PLATFORM_ADMIN: () => tokens.platformAdmin('11'),
};

const call = (query: string, variables: Record<string, unknown>, token: string) => graphql(h.url, query, variables, token ? { token } : {});
/** Queries have no write path; the database is compared around every mutation. */
const snapshotIfMutation = async (op: string) => (op.startsWith('Mutation.') ? snapshot() : '');

it('covers every operation of the schema', () => {
  expect(Object.keys(CASES).sort()).toEqual(rootOperations(typeDefs).sort());
  expect(Object.keys(ALLOWED).sort()).toEqual(rootOperations(typeDefs).sort());
});

describe.each(Object.entries(foreign))('a token of another province (%s)', (_who, token) => {
  it.each(Object.keys(CASES))('%s gives nothing and changes nothing', async (op) => {
    const c = CASES[op]!;
    const before = await snapshotIfMutation(op);
    const r = await call(c.query, c.variables(), token());
    expect(c.nothing(r.data as Data)).toBe(true);
    if (c.public) {
      const anonymous = await call(c.query, c.variables(), '');
      expect(r.data).toEqual(anonymous.data);
    }
    const text = JSON.stringify(r);
    for (const secret of ['未发布的省级课程', '修订草稿', '茶叶加工实训']) expect(text).not.toContain(secret);
    expect(await snapshotIfMutation(op)).toBe(before);
  });
});

describe('another institution of the same province', () => {
  const other = () => tokens.institutionAdmin(schoolB, '33');
  it.each(['Query.courseCertification', 'Query.courseCertifications', 'Mutation.submitCourseCertification'])(
    '%s gives nothing',
    async (op) => {
      const c = CASES[op]!;
      const before = await snapshot();
      const r = await call(c.query, c.variables(), other());
      expect(c.nothing(r.data as Data)).toBe(true);
      expect(await snapshot()).toBe(before);
    },
  );
});

describe('role matrix (same province)', () => {
  const roles = Object.keys(sameProvince) as Array<keyof typeof sameProvince>;
  it.each(Object.keys(CASES).flatMap((op) => roles.map((role) => [op, role] as const)))('%s as %s', async (op, role) => {
    const c = CASES[op]!;
    const allowed = ALLOWED[op] === PUBLIC_ROLES || (role !== 'ANONYMOUS' && (ALLOWED[op] as readonly Role[]).includes(role));
    const before = await snapshotIfMutation(op);
    const query = allowed && c.probe ? c.probe.query : c.query;
    const variables = allowed && c.probe ? (c.probe.variables ?? c.variables)() : c.variables();
    const r = await call(query, variables, sameProvince[role]());
    const codes = (r.errors ?? []).map((e) => e.extensions?.['code']);
    if (allowed) {
      expect(codes).not.toContain('FORBIDDEN');
      expect(codes).not.toContain('UNAUTHENTICATED');
    } else {
      expect(codes).toEqual([role === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
    }
    expect(await snapshotIfMutation(op)).toBe(before);
  });
});

describe('_entities sent straight to the subgraph', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CatalogItem { code version status } ... on Institution { code accreditation { status } } } }`;
  const reps = () => [
    { __typename: 'CatalogItem', code: '33-SECRET-DRAFT' },
    { __typename: 'CatalogItem', code: '33-ZJOU-CS104', version: 2 },
    { __typename: 'Institution', code: school },
  ];

  // Learners see the accreditation of any institution (their archives name institutions of any
  // province, as in the account service), but never drafts.
  const staff = Object.entries(foreign).filter(([who]) => !who.startsWith('learner'));
  it.each([...staff, ['no token', () => ''] as const])('%s resolves drafts and accreditations to nothing', async (_who, token) => {
    const r = await call(ENTITIES, { r: reps() }, token());
    expect(r.data?.['_entities']).toEqual([null, null, { code: school, accreditation: null }]);
  });

  it('a learner of another province sees the accreditation, not the drafts', async () => {
    const r = await call(ENTITIES, { r: reps() }, foreign['learner of 44']!());
    expect(r.data?.['_entities']).toEqual([null, null, { code: school, accreditation: { status: 'ACTIVE' } }]);
  });

  it('resolves them for the province’s centre admin', async () => {
    const r = await call(ENTITIES, { r: reps() }, tokens.centerAdmin('33'));
    expect(r.data?.['_entities']).toEqual([
      { code: '33-SECRET-DRAFT', version: 1, status: 'DRAFT' },
      { code: '33-ZJOU-CS104', version: 2, status: 'DRAFT' },
      { code: school, accreditation: { status: 'ACTIVE' } },
    ]);
  });
});

it('ignores a client-sent province in arguments and headers', async () => {
  const r = await graphql<{ accreditations: { totalCount: number } }>(
    h.url,
    `
      {
        accreditations(filter: { province: "33" }) {
          totalCount
        }
      }
    `,
    {},
    { token: tokens.centerAdmin('44'), headers: { 'x-province': '33' } },
  );
  expect(r.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
});
