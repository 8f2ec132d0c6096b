import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLNamedType,
} from 'graphql';
import { graphql, graphqlOk, tokens, type GraphQLResponse } from '@creditbank/testing';
import { type Platform, type ServiceKey } from '../support/platform';
import {
  INST,
  INST2,
  mutationBases,
  seedPopulatedWorld,
  settledSnapshot,
  startPopulatedPlatform,
  type MutationBase,
  type PopulatedWorld,
} from '../support/populated-world';
import { operationFor, rootFields, sampleSelection, supergraphSchema, type RootField, type ValueFor } from '../support/schema-cases';

// A generated tenancy matrix: every Query and Mutation field of the supergraph (a field added later is
// included automatically) is called through the gateway by callers who must get nothing of province
// 33's learner A and change nothing: an administrator of another province, an analyst of another
// province, another learner of the same province and an institution admin of the same province (wrong
// role for anything about one person). The world is POPULATED (tests/support/populated-world.ts, the
// same seed as the bad-input table): A has recognised outcomes, a credit account with a balance,
// points and a ledger, applications, a redemption, a certificate, a project seat and an analytics
// profile. Query arguments name A's real records; each mutation is sent with its VALID base arguments
// (the ones the bad-input table's rightful caller uses), so authorisation, not validation, must refuse
// it; and every call carries client-sent province headers of 33, which must not widen access.
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
/** Mutations these callers may complete, each acting only in the caller's own province or account. */
const ANSWERED_MUTATIONS: string[] = [];
/** Refusals of a generated call (placeholder arguments may be invalid). */
const REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'UNAUTHENTICATED']);
/** Refusals of a mutation's VALID base call by a wrong caller: authorisation, not validation. */
const AUTH_REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']);
/**
 * Valid base calls a wrong caller may see refused with BAD_USER_INPUT (`<mutation> by <caller>`), each
 * with its reason and the message that shows the PROVINCE check refused it (anything else fails).
 */
const BAD_INPUT_BEFORE_AUTH: Record<string, { why: string; message: RegExp }> = {
  // A place named in the input (an administrative division, public GB/T 2260 reference data) outside
  // the caller's province is answered as a bad value of that field, by design of the owning services
  // (asserted in services/intake-network/test/network.test.ts and services/analytics/test/
  // read-models.test.ts): the caller's province is checked, nothing is looked up, stored or revealed.
  'openServiceNode by centre admin of province 44': {
    why: 'input.adminDivision of province 33',
    message: /^Administrative division lies outside your province$/,
  },
  'upsertRegionalIndicators by centre admin of province 44': {
    why: 'input[0].division of province 33',
    message: /^The division is not in your province$/,
  },
  'upsertRegionalIndicators by analyst of province 44': {
    why: 'input[0].division of province 33',
    message: /^The division is not in your province$/,
  },
};
/**
 * Valid base calls one of these callers may complete because the call acts only in the caller's own
 * province (`<mutation> by <caller>`: why). They would store something, so the matrix does not send
 * them; the test after it does and checks what they store is the caller's province's and holds nothing of A.
 */
const OWN_SCOPE: Record<string, string> = {
  'draftConversionRule by centre admin of province 44':
    "a centre admin drafts rules of their own province: the draft is stored with province 44, and the target university's code is a reference, not a record of 33",
};
const WIDENING_HEADERS = { 'x-province': '33', province: '33', 'x-creditbank-province': '33', 'x-tenant': '33' };
const INCLUDE = new Set(['province', 'filter', 'first']);
/** Per-learner types: an object of these with one of A's non-zero amounts is A's data. */
const OWNED_TYPES = [
  'CreditAccount',
  'PointsBalance',
  'LedgerEntry',
  'Redemption',
  'LearnerProfile',
  'TypeCredits',
  'LearnerActivity',
  'ArchiveYear',
  'ArchiveTypeTotal',
];
/** Numbers of an owned object that are not amounts (the same for anyone). */
const NOT_AMOUNTS = new Set(['year', 'seq', 'level']);

const schema = supergraphSchema();
const fields = rootFields(schema);
const mutations = fields.filter((f) => f.operation === 'mutation');

let platform: Platform;
let w: PopulatedWorld;
let BASES: Record<string, MutationBase> = {};
/** `Type.field=value` of every non-zero amount in an object of learner A's (as their province's admin sees it). */
const amountsOfA = new Set<string>();
/** Strings that identify learner A or A's records. */
const markersOfA: string[] = [];

beforeAll(async () => {
  platform = await startPopulatedPlatform();
  w = await seedPopulatedWorld(platform, '欧阳测甲');
  BASES = mutationBases(w);
  const { ids, learnerA } = w;
  // What of A a province-33 admin sees: the amounts and ids the wrong callers must never get.
  const Q = schema.getType('Learner');
  if (!isObjectType(Q)) throw new Error('no Learner type');
  const sel = (f: string, depth: number) => `${f} ${sampleSelection(Q.getFields()[f]!.type, depth)}`;
  const seen = await graphqlOk<{ learner: Record<string, unknown> }>(
    platform.gatewayUrl,
    `query($a: ID!) { learner(accountNo: $a) { ${sel('creditAccount', 4)} ${sel('profile', 2)} ${sel('archive', 2)} ${sel('certificates', 1)} } }`,
    { a: learnerA.accountNo },
    { token: tokens.platformAdmin('33') },
  );
  walk(seen.learner, (type, obj) => {
    if (!OWNED_TYPES.includes(type)) return;
    for (const [k, v] of Object.entries(obj))
      if (typeof v === 'number' && v !== 0 && !NOT_AMOUNTS.has(k)) amountsOfA.add(`${type}.${k}=${v}`);
    if (typeof obj['id'] === 'string' && obj['id'].length >= 8) markersOfA.push(obj['id']);
  });
  const certificates = (seen.learner['certificates'] ?? []) as Array<{ id: string; code: string }>;
  markersOfA.push(
    learnerA.accountNo,
    learnerA.name,
    learnerA.idNumber,
    ...['outcome0', 'outcome1', 'outcome2', 'pendingOutcome', 'submitted', 'approvedOnce', 'redemption', 'certificate', 'importBatch'].map(
      (k) => ids[k]!,
    ),
    ...certificates.map((c) => c.code),
  );
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

/** Visits every object (with its __typename) of a response. */
function walk(value: unknown, visit: (type: string, obj: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj['__typename'] === 'string') visit(obj['__typename'], obj);
    for (const v of Object.values(obj)) walk(v, visit);
  }
}

const accountA = () => w.learnerA.accountNo;
const nodeId = () => w.node();

/** The record of A's world a root field's `id` argument names. */
const RECORD_OF: Record<string, () => string> = {
  outcome: () => w.ids['outcome0']!,
  conversionApplication: () => w.ids['submitted']!,
  conversionRule: () => w.ids['draftRule']!,
  learningProject: () => w.ids['enrolled']!,
  importBatch: () => w.ids['importBatch']!,
  courseCertification: () => w.ids['courseCertification']!,
  serviceNode: nodeId,
};

/** Argument values of a generated call of `field`: province 33's real records wherever possible. */
function valueFor(field: string): ValueFor {
  return (name: string, type: GraphQLNamedType) => {
    if (type.name !== 'String' && type.name !== 'ID' && type.name !== 'Int') return undefined;
    switch (name) {
      case 'accountNo':
        return accountA();
      case 'idNumber':
        return w.learnerA.idNumber;
      case 'id':
        return (RECORD_OF[field] ?? nodeId)();
      case 'nodeId':
      case 'parentId':
        return nodeId();
      case 'ruleId':
        return w.ids['rule'];
      case 'subscriptionId':
        return w.ids['webhook'];
      case 'code':
        return field === 'institution' ? INST : undefined;
      case 'institutionCode':
        return INST;
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
  };
}

interface Caller {
  name: string;
  province: string;
  token: () => string;
}

// PLATFORM_ADMIN is national and province staff (ANALYST included) may read their province's
// learners by design (shared/kernel/src/learner-access.ts), so neither is a "wrong" caller here.
const callers: Caller[] = [
  { name: 'centre admin of province 44', province: '44', token: () => tokens.centerAdmin('44') },
  { name: 'analyst of province 44', province: '44', token: () => tokens.analyst('44') },
  { name: 'another learner of province 33', province: '33', token: () => tokens.learner(w.acct('b')) },
  // A real registered (not accredited) institution of province 33 that holds nothing of A's.
  { name: 'institution admin of province 33 (wrong role)', province: '33', token: () => tokens.institutionAdmin(INST2, '33') },
];

interface Outcome {
  caller: string;
  field: string;
  problem: string;
}

/** What of learner A a response carries: A's identifiers and record ids, or A's amounts in a per-learner object. */
function leaks(data: unknown, masked: (text: string) => string = (t) => t): string[] {
  const out: string[] = [];
  const text = masked(JSON.stringify(data ?? null));
  for (const m of markersOfA) if (text.includes(m)) out.push(`contains ${m}`);
  walk(data, (type, obj) => {
    if (!OWNED_TYPES.includes(type)) return;
    for (const [k, v] of Object.entries(obj))
      if (amountsOfA.has(`${type}.${k}=${String(v)}`)) out.push(`A's amount ${type}.${k}=${String(v)}`);
  });
  return out;
}

function judge(field: string, caller: string, r: GraphQLResponse<unknown>, refusals: ReadonlySet<string>): Outcome[] {
  const out: Outcome[] = [];
  if (r.status >= 500) out.push({ caller, field, problem: `HTTP ${r.status}` });
  for (const e of r.errors ?? []) {
    const code = String(e.extensions?.['code'] ?? 'NONE');
    const justified = code === 'BAD_USER_INPUT' && BAD_INPUT_BEFORE_AUTH[`${field} by ${caller}`]?.message.test(e.message);
    if (!refusals.has(code) && !justified) out.push({ caller, field, problem: `error ${code}: ${e.message}` });
  }
  for (const problem of leaks(r.data)) out.push({ caller, field, problem });
  return out;
}

/** A mutation with every argument as a variable and a selection of what it returns. */
function mutationDocument(f: RootField): string {
  const defs = f.field.args.map((a) => `$${a.name}: ${a.type.toString()}`);
  const args = f.field.args.map((a) => `${a.name}: $${a.name}`);
  const selection = isLeafType(getNamedType(f.field.type)) ? '' : ` ${sampleSelection(f.field.type, 2)}`;
  return `mutation Valid${defs.length ? `(${defs.join(', ')})` : ''} { ${f.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

it('covers every root field of the supergraph, and the public list names real fields', () => {
  const names = new Set(fields.map((f) => f.name));
  for (const p of PUBLIC) expect(names).toContain(p);
  for (const t of OWNED_TYPES) expect(schema.getType(t)).toBeDefined();
  // Every field gets a generated case (throws here if the generator cannot build one)...
  for (const f of fields) expect(() => operationFor(f, valueFor(f.name), { include: INCLUDE })).not.toThrow();
  // ...and every mutation a valid base call (tests/support/populated-world.ts).
  expect(mutations.map((f) => f.name).filter((n) => !BASES[n])).toEqual([]);
  expect(fields.length).toBeGreaterThan(80);
});

it('the world of province 33 is populated, and the leak detector sees it where it is visible', async () => {
  // A's amounts: credits recognised and available, points earned, redeemed and available, a ledger,
  // a redemption, an analytics profile and a yearly archive.
  const amounts = [...amountsOfA].map((a) => a.split('=')[0]);
  for (const a of [
    'CreditAccount.recognized',
    'CreditAccount.reserved',
    'CreditAccount.available',
    'PointsBalance.earned',
    'PointsBalance.redeemed',
    'PointsBalance.available',
    'LedgerEntry.recognized',
    'Redemption.pointsSpent',
    'LearnerProfile.totalCredits',
    'LearnerProfile.outcomes',
    'ArchiveYear.recognizedCredits',
  ])
    expect(amounts).toContain(a);
  // The same generated queries the wrong callers send, by A and by province 33's centre admin: the
  // detector flags A's data in them (it would flag it for a wrong caller too).
  for (const token of [tokens.learner(accountA()), tokens.centerAdmin('33')]) {
    for (const name of ['learner', 'conversionApplication', 'outcome']) {
      const { query, variables } = operationFor(
        fields.find((f) => f.name === name)!,
        valueFor(name),
      );
      const r = await graphql(platform.gatewayUrl, query, variables, { token });
      expect(leaks(r.data).length).toBeGreaterThan(0);
    }
  }
  const { query, variables } = operationFor(
    fields.find((f) => f.name === 'me')!,
    valueFor('me'),
    { depth: 4 },
  );
  const mine = await graphql(platform.gatewayUrl, query, variables, { token: tokens.learner(accountA()) });
  expect(leaks(mine.data).filter((l) => l.startsWith("A's amount")).length).toBeGreaterThan(3);
}, 60_000);

it('public operations answer anonymous callers', async () => {
  const problems: string[] = [];
  for (const f of fields.filter((x) => PUBLIC.has(x.name) && x.operation === 'query')) {
    const { query, variables } = operationFor(f, valueFor(f.name));
    const r = await graphql(platform.gatewayUrl, query, variables);
    const refused = (r.errors ?? []).filter((e) => ['UNAUTHENTICATED', 'FORBIDDEN'].includes(String(e.extensions?.['code'])));
    if (r.status >= 500 || refused.length) problems.push(`${f.name}: ${r.status} ${JSON.stringify(r.errors)}`);
  }
  expect(problems).toEqual([]);
});

it('every non-public query and mutation gives other tenants nothing of province 33 and changes nothing', async () => {
  const before = await settledSnapshot(platform.ns);
  const problems: Outcome[] = [];
  const counts = { generated: 0, valid: 0, ownScope: 0 };
  const answered = new Set<string>();
  const badInput = new Set<string>();
  const validCodes: Record<string, number> = {};
  interface Run {
    caller: Caller;
    query: string;
    variables: Record<string, unknown>;
    refusals: ReadonlySet<string>;
    kind: keyof typeof counts;
  }
  for (const f of fields.filter((x) => !PUBLIC.has(x.name))) {
    // Generated calls (required arguments; and with province, filter and first) and, for a mutation,
    // its valid base call. One field's calls run together (the snapshot is compared at the end).
    const generated = [operationFor(f, valueFor(f.name)), operationFor(f, valueFor(f.name), { include: INCLUDE })];
    const runs: Run[] = callers.flatMap((caller) => [
      ...generated.map((c) => ({ caller, ...c, refusals: REFUSALS, kind: 'generated' as const })),
      ...(f.operation === 'mutation' && !OWN_SCOPE[`${f.name} by ${caller.name}`]
        ? [{ caller, query: mutationDocument(f), variables: BASES[f.name]!.vars(), refusals: AUTH_REFUSALS, kind: 'valid' as const }]
        : []),
    ]);
    if (f.operation === 'mutation') counts.ownScope += callers.filter((c) => OWN_SCOPE[`${f.name} by ${c.name}`]).length;
    const results = await Promise.all(
      runs.map(({ caller, query, variables }) =>
        graphql(platform.gatewayUrl, query, variables, { token: caller.token(), headers: WIDENING_HEADERS }),
      ),
    );
    results.forEach((r, i) => {
      const run = runs[i]!;
      counts[run.kind]++;
      problems.push(...judge(f.name, run.caller.name, r, run.refusals));
      if (f.operation === 'mutation' && !r.errors?.length) answered.add(`${f.name} by ${run.caller.name}`);
      if (run.kind === 'valid') {
        const code = String(r.errors?.[0]?.extensions?.['code'] ?? (r.errors ? 'NONE' : 'OK'));
        validCodes[code] = (validCodes[code] ?? 0) + 1;
      }
      if (run.kind === 'valid' && r.errors?.some((e) => e.extensions?.['code'] === 'BAD_USER_INPUT'))
        badInput.add(`${f.name} by ${run.caller.name}`);
    });
  }
  console.log(
    `tenancy matrix: ${counts.generated} generated calls, ${counts.valid} valid mutation calls by wrong callers ` +
      `${JSON.stringify(validCodes)} (${counts.ownScope} own-scope ones sent separately); ${Object.keys(before).length} collections compared`,
  );
  expect(problems).toEqual([]);
  // Mutations another tenant may complete: only ones acting in the caller's own scope.
  expect([...answered].sort()).toEqual(ANSWERED_MUTATIONS);
  // The justified BAD_USER_INPUT refusals of valid calls are exactly the listed ones (none stale).
  expect([...badInput].sort()).toEqual(Object.keys(BAD_INPUT_BEFORE_AUTH).sort());
  expect(counts.generated).toBeGreaterThan(600);
  expect(counts.valid + counts.ownScope).toBe(mutations.filter((m) => !PUBLIC.has(m.name)).length * callers.length);
  // Every collection of all six databases is count- and hash-identical.
  expect(await settledSnapshot(platform.ns)).toEqual(before);
}, 150_000);

it('the few valid calls a wrong caller may complete store only in its own province and return nothing of A', async () => {
  const problems: string[] = [];
  for (const key of Object.keys(OWN_SCOPE)) {
    const [name, callerName] = key.split(' by ');
    const f = mutations.find((m) => m.name === name);
    const caller = callers.find((c) => c.name === callerName);
    if (!f || !caller) {
      problems.push(`${key}: no such mutation or caller`);
      continue;
    }
    const r = await graphql<Record<string, { province?: string } | null>>(platform.gatewayUrl, mutationDocument(f), BASES[f.name]!.vars(), {
      token: caller.token(),
      headers: WIDENING_HEADERS,
    });
    const stored = r.data?.[f.name];
    if (!stored) problems.push(`${key}: refused (${JSON.stringify(r.errors)}) — remove it from OWN_SCOPE`);
    else if (stored.province !== caller.province) problems.push(`${key}: stored in province ${String(stored.province)}`);
    for (const leak of leaks(r.data)) problems.push(`${key}: ${leak}`);
  }
  expect(problems).toEqual([]);
});

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

  /** The representation of province 33's real record of each entity type (A's where A has one). */
  const KEY_VALUES: Record<string, () => Record<string, unknown>> = {
    Learner: () => ({ accountNo: accountA() }),
    LearningOutcome: () => ({ id: w.ids['outcome0'] }),
    ConversionApplication: () => ({ id: w.ids['submitted'] }),
    ConversionRule: () => ({ id: w.ids['draftRule'] }),
    LearningProject: () => ({ id: w.ids['enrolled'] }),
    ServiceNode: () => ({ id: nodeId() }),
    Institution: () => ({ code: INST }),
    CatalogItem: () => ({ code: '33-BAD-DRAFT', version: 1 }),
  };

  it('resolves nothing of learner A for any entity of any subgraph', async () => {
    const list = entities();
    expect(new Set(list.map((e) => e.subgraph)).size).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    for (const { subgraph, type, key } of list) {
      const known = KEY_VALUES[type]?.() ?? {};
      const representation: Record<string, unknown> = { __typename: type };
      for (const k of key) representation[k] = known[k] ?? 'x';
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
        const masked = (text: string) =>
          key.reduce(
            (t, k) => (typeof representation[k] === 'string' ? t.split(JSON.stringify(representation[k])).join('"<key>"') : t),
            text,
          );
        for (const leak of leaks(r.data?._entities?.[0] ?? null, masked)) problems.push(`${subgraph} ${type} ${caller.name}: ${leak}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
