import {
  getNamedType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLNamedType,
} from 'graphql';
import { makeResidentId } from '@creditbank/identity';
import { graphql, graphqlOk, seed, tokens, type GraphQLResponse, type World } from '@creditbank/testing';
import { startPlatform, type Platform, type ServiceKey } from '../support/platform';
import { seedWithRetry } from '../support/security';
import { operationFor, rootFields, sampleSelection, supergraphSchema, type RootField } from '../support/schema-cases';

// A generated tenancy matrix: every Query and Mutation field of the supergraph (a field added later is
// included automatically) is called through the gateway by callers who must get nothing of province
// 33's learner and change nothing: an administrator of another province, another learner of the same
// province and an analyst (wrong role for anything about one person). Arguments name real seeded
// objects of province 33 where the generator can, and every call also carries client-sent province
// headers and (where the field takes one) a province argument of 33, which must not widen access.
const PUBLIC = new Set([
  'login',
  'registerLearnerOnline',
  'verifyCertificate',
  'nearestIntakePoints',
  'serviceNodes',
  'catalogItems',
  'catalogItem',
  'conversionRules',
  'outcomeImportSchema',
]);
/** Province-wide aggregates an analyst of the province may read (no person in them). */
const ANALYST_READS = new Set([
  'trainingDistribution',
  'demographics',
  'economicCorrelation',
  'hotPrograms',
  'learningStars',
  'learningFamilies',
  'learningCommunities',
  'trainingReport',
  'analyticsFreshness',
]);
/** Mutations these callers may complete, each acting only in the caller's own province or account. */
const ANSWERED_MUTATIONS: string[] = [];
const REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'UNAUTHENTICATED']);
const WIDENING_HEADERS = { 'x-province': '33', province: '33', 'x-creditbank-province': '33', 'x-tenant': '33' };
const INCLUDE = new Set(['province', 'filter', 'first']);

const schema = supergraphSchema();
const fields = rootFields(schema);

let platform: Platform;
let world: World;
const A = { idNumber: '', name: '欧阳测甲' };
const B = { idNumber: '', name: '司马测乙' };

beforeAll(async () => {
  platform = await startPlatform();
  world = await seedWithRetry((n) => {
    A.idNumber = makeResidentId('330106', '1984-03-07', 40 + n);
    B.idNumber = makeResidentId('330106', '1991-11-23', 50 + n);
    return seed(platform.gatewayUrl)
      .intakePoint('xihu', { adminDivision: '330106013', name: '租户矩阵受理点' })
      .learner('a', { at: 'xihu', ...A })
      .learner('b', { at: 'xihu', ...B })
      .run();
  });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

const accountA = () => world.learners['a']!.accountNo;
const nodeId = () => world.nodes['xihu']!.id;

function valueFor(name: string, type: GraphQLNamedType): unknown {
  if (type.name !== 'String' && type.name !== 'ID' && type.name !== 'Int') return undefined;
  switch (name) {
    case 'accountNo':
      return accountA();
    case 'idNumber':
      return A.idNumber;
    case 'id':
    case 'nodeId':
    case 'parentId':
      return nodeId();
    case 'province':
      return '33';
    case 'adminDivision':
      return '330106';
    case 'divisionPrefix':
      return '33';
    case 'first':
      return 5;
    default:
      return undefined;
  }
}

/** What of learner A must never reach these callers. */
const markers = () => [accountA(), A.name, A.idNumber];

interface Caller {
  name: string;
  token: () => string;
  /** Fields this caller may legitimately call (excluded from its row). */
  exempt: ReadonlySet<string>;
}

// PLATFORM_ADMIN is national and province staff (ANALYST included) may read their province's
// learners by design (shared/kernel/src/learner-access.ts), so neither is a "wrong" caller here.
const callers: Caller[] = [
  { name: 'centre admin of province 44', token: () => tokens.centerAdmin('44'), exempt: new Set() },
  { name: 'analyst of province 44', token: () => tokens.analyst('44'), exempt: new Set() },
  { name: 'another learner of province 33', token: () => tokens.learner(world.learners['b']!.accountNo), exempt: new Set() },
  { name: 'institution admin of province 33 (wrong role)', token: () => tokens.institutionAdmin('33999999', '33'), exempt: new Set() },
];

interface Outcome {
  caller: string;
  field: string;
  problem: string;
}

function judge(field: string, caller: string, r: GraphQLResponse<unknown>): Outcome[] {
  const out: Outcome[] = [];
  if (r.status >= 500) out.push({ caller, field, problem: `HTTP ${r.status}` });
  for (const e of r.errors ?? []) {
    const code = String(e.extensions?.['code'] ?? 'NONE');
    if (!REFUSALS.has(code)) out.push({ caller, field, problem: `error ${code}: ${e.message}` });
  }
  const data = JSON.stringify(r.data ?? null);
  for (const m of markers()) if (data.includes(m)) out.push({ caller, field, problem: `data contains ${m}` });
  return out;
}

/** Province 33 as its own platform admin sees it: the state a foreign call must not change. */
async function snapshot(): Promise<string> {
  const token = tokens.platformAdmin('33');
  const parts: Record<string, unknown> = {};
  for (const [name, query, variables] of [
    [
      'learnerA',
      `query($a: ID!) { learner(accountNo: $a) ${sampleSelection(schema.getQueryType()!.getFields()['learner']!.type, 2)} }`,
      { a: accountA() },
    ],
    [
      'node',
      `query($id: ID!) { serviceNode(id: $id) ${sampleSelection(schema.getQueryType()!.getFields()['serviceNode']!.type, 2)} }`,
      { id: nodeId() },
    ],
  ] as const) {
    parts[name] = await graphqlOk(platform.gatewayUrl, query, variables, { token });
  }
  // Every list of the province (totals only), generated as well.
  for (const f of fields) {
    if (f.operation !== 'query' || ANALYST_READS.has(f.name) || f.field.args.some((a) => a.type.toString().endsWith('!'))) continue;
    const type = getNamedType(f.field.type);
    if (!isObjectType(type) || !type.getFields()['totalCount']) continue;
    const r = await graphql(platform.gatewayUrl, `{ ${f.name} { totalCount } }`, {}, { token });
    parts[f.name] = r.data ?? r.errors?.map((e) => e.extensions?.['code']);
  }
  return JSON.stringify(parts, null, 1);
}

it('covers every root field of the supergraph, and the public list names real fields', () => {
  const names = new Set(fields.map((f) => f.name));
  for (const p of [...PUBLIC, ...ANALYST_READS]) expect(names).toContain(p);
  // Every field gets a generated case (throws here if the generator cannot build one).
  for (const f of fields) expect(() => operationFor(f, () => undefined, { include: INCLUDE })).not.toThrow();
  expect(fields.length).toBeGreaterThan(80);
});

it('public operations answer anonymous callers', async () => {
  const problems: string[] = [];
  for (const f of fields.filter((x) => PUBLIC.has(x.name) && x.operation === 'query')) {
    const { query, variables } = operationFor(f, valueFor);
    const r = await graphql(platform.gatewayUrl, query, variables);
    const refused = (r.errors ?? []).filter((e) => ['UNAUTHENTICATED', 'FORBIDDEN'].includes(String(e.extensions?.['code'])));
    if (r.status >= 500 || refused.length) problems.push(`${f.name}: ${r.status} ${JSON.stringify(r.errors)}`);
  }
  expect(problems).toEqual([]);
});

it('every non-public query and mutation gives other tenants nothing of province 33 and changes nothing', async () => {
  const before = await snapshot();
  const problems: Outcome[] = [];
  let calls = 0;
  const cases = (f: RootField) => [operationFor(f, valueFor), operationFor(f, valueFor, { include: INCLUDE })];
  const answered = new Set<string>();
  for (const f of fields.filter((x) => !PUBLIC.has(x.name))) {
    // The callers' calls of one field run together (the snapshot is compared once, at the end).
    const runs = callers.filter((caller) => !caller.exempt.has(f.name)).flatMap((caller) => cases(f).map((c) => ({ caller, ...c })));
    const results = await Promise.all(
      runs.map(({ caller, query, variables }) =>
        graphql(platform.gatewayUrl, query, variables, { token: caller.token(), headers: WIDENING_HEADERS }),
      ),
    );
    results.forEach((r, i) => {
      calls++;
      problems.push(...judge(f.name, runs[i]!.caller.name, r));
      if (f.operation === 'mutation' && !r.errors?.length) answered.add(`${f.name} by ${runs[i]!.caller.name}`);
    });
  }
  expect(problems).toEqual([]);
  // Mutations another tenant may complete: only ones acting in the caller's own scope.
  expect([...answered].sort()).toEqual(ANSWERED_MUTATIONS);
  expect(calls).toBeGreaterThan(600);
  expect(await snapshot()).toBe(before);
}, 120_000);

describe('_entities sent straight to each subgraph with another tenant’s token', () => {
  /** Entity types each subgraph resolves, from the supergraph's join__type(graph:, key:) directives. */
  function entities(): Array<{ subgraph: ServiceKey; type: string; key: string[] }> {
    const out: Array<{ subgraph: ServiceKey; type: string; key: string[] }> = [];
    for (const t of Object.values(schema.getTypeMap())) {
      if (!isObjectType(t) || !t.astNode) continue;
      for (const d of t.astNode.directives ?? []) {
        if (d.name.value !== 'join__type') continue;
        const arg = (n: string) => d.arguments?.find((a) => a.name.value === n)?.value;
        const graph = arg('graph');
        const key = arg('key');
        const resolvable = arg('resolvable');
        if (graph?.kind !== Kind.ENUM || key?.kind !== Kind.STRING) continue;
        if (resolvable?.kind === Kind.BOOLEAN && !resolvable.value) continue;
        if (key.value.includes('{')) continue; // nested keys: none today
        out.push({ subgraph: graph.value.toLowerCase().replace(/_/g, '-') as ServiceKey, type: t.name, key: key.value.split(/\s+/) });
      }
    }
    return out;
  }

  /** The fields of `type` the subgraph itself owns (join__field naming it, or none on a type it has). */
  function ownSelection(subgraph: ServiceKey, type: string, depth = 3): string {
    const t = schema.getType(type);
    if (!isObjectType(t)) return '{ __typename }';
    const graph = subgraph.toUpperCase().replace(/-/g, '_');
    const enumArg = (d: ConstDirectiveNode, n: string) => {
      const v = d.arguments?.find((a) => a.name.value === n)?.value;
      return v?.kind === Kind.ENUM ? v.value : v?.kind === Kind.BOOLEAN ? v.value : undefined;
    };
    const typeInGraph = (t.astNode?.directives ?? []).some((d) => d.name.value === 'join__type' && enumArg(d, 'graph') === graph);
    const parts = ['__typename'];
    for (const f of Object.values(t.getFields())) {
      const joins = (f.astNode?.directives ?? []).filter((d) => d.name.value === 'join__field');
      const owned = joins.length === 0 ? typeInGraph : joins.some((d) => enumArg(d, 'graph') === graph && enumArg(d, 'external') !== true);
      if (!owned || f.args.some((a) => isNonNullType(a.type))) continue;
      const inner = getNamedType(f.type);
      if (isObjectType(inner)) {
        if (depth > 1) parts.push(`${f.name} ${ownSelection(subgraph, inner.name, depth - 1)}`);
      } else if (isUnionType(inner) || isInterfaceType(inner)) parts.push(`${f.name} { __typename }`);
      else parts.push(f.name);
    }
    return `{ ${parts.join(' ')} }`;
  }

  it('resolves no province-33 personal data for any entity of any subgraph', async () => {
    const list = entities();
    expect(new Set(list.map((e) => e.subgraph)).size).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    for (const { subgraph, type, key } of list) {
      const representation: Record<string, unknown> = { __typename: type };
      for (const k of key) representation[k] = valueFor(k, schema.getType('ID')!) ?? 'x';
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} ${ownSelection(subgraph, type)} } }`;
      parse(query);
      for (const caller of callers) {
        const r = await graphql<{ _entities?: Array<Record<string, unknown> | null> }>(
          platform.subgraphUrl[subgraph],
          query,
          { r: [representation] },
          { token: caller.token(), headers: WIDENING_HEADERS },
        );
        if (r.status >= 500) problems.push(`${subgraph} ${type} ${caller.name}: HTTP ${r.status}`);
        for (const e of r.errors ?? []) {
          const code = String(e.extensions?.['code'] ?? 'NONE');
          if (!REFUSALS.has(code)) problems.push(`${subgraph} ${type} ${caller.name}: ${code} ${e.message}`);
        }
        // Key fields echo what was sent (also inside per-learner objects, which are then empty by
        // design: shared/kernel/src/learner-access.ts); nothing else of learner A may come back.
        let text = JSON.stringify(r.data?._entities?.[0] ?? null);
        for (const k of key) text = text.split(JSON.stringify(representation[k])).join('"<key>"');
        for (const m of markers()) if (text.includes(m)) problems.push(`${subgraph} ${type} ${caller.name}: contains ${m}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
