import { getNamedType, isEnumType, isLeafType } from 'graphql';
import { graphql, type GraphQLResponse } from '@creditbank/testing';
import { type Platform } from '../support/platform';
import { applyVariant, badVariants, dotted, leafName, type Variant, type VariantKind } from '../support/bad-input-variants';
import { namespaceSnapshot } from '../support/db-snapshot';
import { mutationBases, seedPopulatedWorld, startPopulatedPlatform, type MutationBase } from '../support/populated-world';
import { rootFields, supergraphSchema, type RootField } from '../support/schema-cases';

// Bad input over EVERY mutation of the supergraph (a new mutation fails the first test until it gets
// a valid base call in tests/support/populated-world.ts, which also seeds the world). From each valid
// base call the generator derives, per argument and input field and by GraphQL type, missing, empty,
// blank, oversized, NUL, injection-shaped, invisible and bidi text, lone surrogates, operator objects,
// wrong and lower-case enums, negative, fractional and out-of-range numbers, empty and oversized lists.
// Each is sent by the role the base call is for and must be refused with BAD_USER_INPUT naming the
// field (or a justified exception below), and every database of the platform (all collections of the
// six services) is byte-identical afterwards.

const schema = supergraphSchema();
const mutations = rootFields(schema).filter((f) => f.operation === 'mutation');

let platform: Platform;
/** A valid base call of every mutation against the populated world (tests/support/populated-world.ts). */
let BASES: Record<string, MutationBase> = {};

beforeAll(async () => {
  platform = await startPopulatedPlatform();
  BASES = mutationBases(await seedPopulatedWorld(platform));
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

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
