import { makeResidentId } from '@creditbank/identity';
import { eventually, graphql, graphqlOk, seed, tokens, type World } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';
import { seedWithRetry } from '../support/security';

// Table-driven bad input over the mutations that take free input (account, outcome, conversion):
// missing, empty, oversized, wrong format, wrong enum, injection-shaped and unicode edge cases. Each is
// refused with BAD_USER_INPUT naming the field, and nothing is stored.
let platform: Platform;
let world: World;

beforeAll(async () => {
  platform = await startPlatform();
  world = await seedWithRetry((n) =>
    seed(platform.gatewayUrl)
      .intakePoint('node', { adminDivision: '330106013', name: '坏输入受理点' })
      .learner('a', { at: 'node', idNumber: makeResidentId('330106', '1988-08-08', 70 + n), name: '欧阳坏甲' })
      .run(),
  );
  // The outcome service knows the learner once it has consumed the account-opened event.
  await eventually(async () => {
    const r = await graphql(
      platform.gatewayUrl,
      'mutation($input: DepositOutcomeInput!) { depositOutcome(input: $input) { id } }',
      { input: { accountNo: accountNo(), type: 'ACADEMIC', catalogItemCode: '!', title: 't', achievedAt: '2025-06-30' } },
      { token: tokens.learner(accountNo()) },
    );
    expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

const MISSING = Symbol('missing');
type Bad = unknown;

/** Values wrong for any free-text field, by kind. */
const TEXT: Array<[string, Bad]> = [
  ['empty', ''],
  ['blank', '   '],
  ['oversized', 'x'.repeat(20_000)],
  ['NUL byte', 'a\u0000b'],
  ['operator object', { $gt: '' }],
  ['number instead of text', 12345],
];
const INJECTION: Array<[string, Bad]> = [
  ['$gt as a string', '{"$gt": ""}'],
  ['$where', '$where: function() { return true }'],
];
const UNICODE: Array<[string, Bad]> = [
  ['zero-width only', '\u200b\u200b'],
  ['lone surrogate', 'a\ud800b'],
  ['right-to-left override', '\u202egnp.exe'],
];

interface Case {
  mutation: string;
  token: () => string;
  base: () => Record<string, unknown>;
  /** Args other than `input`. */
  args?: () => Record<string, unknown>;
  document: string;
  /** Expected code per field (default BAD_USER_INPUT). */
  fields: Array<{ path: string; expect?: string; bad: Array<[string, Bad]> }>;
}

const accountNo = () => world.learners['a']!.accountNo;

const cases: Case[] = [
  {
    mutation: 'openLearnerAccount',
    token: () => tokens.operator(world.nodes['node']!.id),
    document: 'mutation($input: OpenLearnerAccountInput!) { openLearnerAccount(input: $input) { learner { accountNo } } }',
    base: () => ({
      idNumber: makeResidentId('330106', '1990-01-02', 17),
      name: '坏输入乙',
      adminDivision: '330106',
      agreementVersion: '2026-01',
    }),
    fields: [
      {
        path: 'idNumber',
        bad: [['missing', MISSING], ...TEXT, ...INJECTION, ...UNICODE, ['bad checksum', '330106199001020170'], ['short', '3301']],
      },
      { path: 'name', bad: [['missing', MISSING], ...TEXT, ...UNICODE] },
      {
        path: 'adminDivision',
        bad: [['missing', MISSING], ...TEXT, ...INJECTION, ['unknown division', '999999'], ['other province', '440106']],
      },
      { path: 'phone', bad: [...TEXT.slice(2), ...INJECTION, ['letters', 'abcdefghijk'], ['too short', '138']] },
      {
        path: 'agreementVersion',
        bad: [
          ['missing', MISSING],
          ['empty', ''],
          ['oversized', 'x'.repeat(20_000)],
        ],
      },
    ],
  },
  {
    mutation: 'updateLearnerProfile',
    token: () => tokens.centerAdmin('33'),
    document:
      'mutation($accountNo: ID!, $input: LearnerProfileInput!) { updateLearnerProfile(accountNo: $accountNo, input: $input) { accountNo } }',
    args: () => ({ accountNo: accountNo() }),
    base: () => ({ phone: '13900139000' }),
    fields: [
      { path: 'phone', bad: [...TEXT.slice(2), ...INJECTION, ['letters', 'abcdefghijk']] },
      { path: 'adminDivision', bad: [...TEXT.slice(2), ...INJECTION, ['unknown division', '999999']] },
    ],
  },
  {
    // Only what is checked before the catalogue lookup (a published item needs the standards seed).
    // A malformed or foreign account number answers NOT_FOUND by design: it looks like a missing one.
    mutation: 'depositOutcome',
    token: () => tokens.learner(accountNo()),
    document: 'mutation($input: DepositOutcomeInput!) { depositOutcome(input: $input) { id } }',
    base: () => ({
      accountNo: accountNo(),
      type: 'ACADEMIC',
      catalogItemCode: 'VSC-ELEC-G4',
      title: '坏输入课程',
      achievedAt: '2025-06-30',
    }),
    fields: [
      { path: 'accountNo', expect: 'NOT_FOUND', bad: [...TEXT.slice(0, 4), ...INJECTION, ['bad check digit', '330000000010']] },
      {
        path: 'accountNo',
        bad: [
          ['missing', MISSING],
          ['operator object', { $gt: '' }],
        ],
      },
      {
        path: 'type',
        bad: [
          ['missing', MISSING],
          ['wrong enum', 'DEGREE'],
          ['lower case', 'academic'],
          ['operator object', { $gt: '' }],
        ],
      },
      { path: 'catalogItemCode', bad: [['missing', MISSING], ...TEXT, ...INJECTION, ...UNICODE] },
      {
        path: 'title',
        bad: [
          ['missing', MISSING],
          ['operator object', { $gt: '' }],
        ],
      },
      {
        path: 'achievedAt',
        bad: [
          ['missing', MISSING],
          ['operator object', { $gt: '' }],
        ],
      },
      {
        path: 'hours',
        bad: [
          ['text', '10'],
          ['operator object', { $gt: 0 }],
        ],
      },
    ],
  },
  {
    mutation: 'upsertRewardItem',
    token: () => tokens.centerAdmin('33'),
    document: 'mutation($input: RewardItemInput!) { upsertRewardItem(input: $input) { code } }',
    base: () => ({ code: 'BAD-REWARD-1', name: '坏输入奖励', kind: 'TRANSIT_POINTS', pointsCost: 10, stock: 5 }),
    fields: [
      { path: 'code', bad: [['missing', MISSING], ...TEXT.filter(([k]) => k !== 'number instead of text'), ...INJECTION, ...UNICODE] },
      { path: 'name', bad: [['missing', MISSING], ...TEXT, ...UNICODE] },
      {
        path: 'kind',
        bad: [
          ['wrong enum', 'CASH'],
          ['operator object', { $in: ['TRANSIT_POINTS'] }],
        ],
      },
      {
        path: 'pointsCost',
        bad: [
          ['negative', -10],
          ['fraction', 1.5],
          ['text', '10'],
          ['over Int', 2 ** 31],
        ],
      },
      {
        path: 'stock',
        bad: [
          ['negative', -1],
          ['over Int', 2 ** 31],
        ],
      },
    ],
  },
];

/** What the mutations above could have stored, as province 33's platform admin sees it. */
async function stored(): Promise<unknown> {
  return graphqlOk(
    platform.gatewayUrl,
    `query($a: ID!) {
      learners(filter: { province: "33" }) { totalCount }
      institutions { totalCount }
      outcomesForReview { totalCount }
      conversionRules { totalCount }
      rewardItems(province: "33") { code }
      learner(accountNo: $a) { phoneMasked adminDivision householdId educationLevel occupation outcomes { totalCount } }
    }`,
    { a: accountNo() },
    { token: tokens.platformAdmin('33') },
  );
}

function withBad(base: Record<string, unknown>, path: string, value: Bad): Record<string, unknown> {
  const out = { ...base };
  if (value === MISSING) delete out[path];
  else out[path] = value;
  return out;
}

const rows = cases.flatMap((c) =>
  c.fields.flatMap((f) => f.bad.map(([kind, value]) => ({ c, path: f.path, expected: f.expect ?? 'BAD_USER_INPUT', kind, value }))),
);

it('has at least 100 rows', () => {
  expect(rows.length).toBeGreaterThanOrEqual(100);
});

it('refuses every row with BAD_USER_INPUT naming the field, and stores nothing', async () => {
  const before = await stored();
  const problems: string[] = [];
  for (const { c, path, expected, kind, value } of rows) {
    const variables = { ...(c.args?.() ?? {}), input: withBad(c.base(), path, value) };
    const r = await graphql(platform.gatewayUrl, c.document, variables, { token: c.token() });
    const e = r.errors?.[0];
    const code = e?.extensions?.['code'];
    const field = e?.extensions?.['field'];
    const named = field === `input.${path}` || (typeof e?.message === 'string' && e.message.includes(path));
    if (r.data && Object.values(r.data).some((v) => v !== null)) problems.push(`${c.mutation} ${path} ${kind}: accepted`);
    else if (code !== expected || (expected === 'BAD_USER_INPUT' && !named))
      problems.push(`${c.mutation} ${path} ${kind}: ${String(code)} ${String(field)} ${e?.message?.slice(0, 160)}`);
  }
  expect(problems).toEqual([]);
  expect(await stored()).toEqual(before);
}, 120_000);
