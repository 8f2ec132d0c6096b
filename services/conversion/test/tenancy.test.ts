import { makeUscc } from '@creditbank/identity';
import { rootOperations } from '@creditbank/server';
import { graphql, tokens } from '@creditbank/testing';
import { typeDefs } from '../src/main';
import {
  DRAFT,
  PARTNER,
  SUBMIT,
  newAccountNo,
  opened,
  publishedRule,
  recognized,
  ruleInput,
  startConversion,
  type ConversionHarness,
} from './harness';

/**
 * Tenancy and role matrix of the conversion subgraph: for every operation, tokens of another province,
 * another learner, another partner university and roles without business there get nothing and
 * change nothing — also through `_entities` sent straight to the subgraph.
 */
let h: ConversionHarness;
let accountNo: string;
let otherLearner: string;
let ruleId: string;
let draftId: string;
let appId: string;
let subId: string;
let deliveryId: string;
let outcomes: string[];

beforeAll(async () => {
  h = await startConversion({}, { resolveHost: async () => ['101.6.6.6'] });
  ruleId = await publishedRule(h);
  draftId = (await h.ok<{ draftConversionRule: { id: string } }>(DRAFT, { i: ruleInput() }, tokens.expert())).draftConversionRule.id;
  accountNo = newAccountNo();
  otherLearner = newAccountNo();
  const e = [recognized(accountNo, { points: 900 }), recognized(accountNo), recognized(accountNo)];
  await h.feed([opened(accountNo), opened(otherLearner), ...e, recognized(otherLearner)]);
  outcomes = e.map((x) => x.event.data.outcomeId);
  appId = (
    await h.ok<{ submitConversion: { id: string } }>(
      SUBMIT,
      { i: { accountNo, ruleId, outcomeIds: outcomes.slice(0, 2), idempotencyKey: 't' } },
      tokens.learner(accountNo),
    )
  ).submitConversion.id;
  await h.ok(
    `mutation { upsertRewardItem(input: { code: "ZJ-CARD", name: "学生卡充值", kind: STUDENT_CARD_TOPUP, pointsCost: 100, stock: 10 }) { code } }`,
    {},
    tokens.centerAdmin(),
  );
  subId = (
    await h.ok<{ createWebhookSubscription: { subscription: { id: string } } }>(
      `mutation { createWebhookSubscription(input: { url: "https://partner.example.edu.cn/h", events: ["conversion.approved"] }) { subscription { id } } }`,
      {},
      tokens.universityPartner(PARTNER),
    )
  ).createWebhookSubscription.subscription.id;
  // A delivery row to aim at (its sending is irrelevant here).
  deliveryId = 'wd-00000000000000000000000000000000';
  await h.db.collection('webhook_deliveries').insertOne({
    _id: deliveryId,
    subscriptionId: subId,
    institutionCode: PARTNER,
    province: '33',
    eventId: 'e',
    eventType: 'conversion.approved',
    body: '{}',
    status: 'FAILED',
    attempts: 1,
    nextAttemptAt: null,
    leaseUntil: new Date(),
    lastStatusCode: 500,
    lastError: 'x',
    attemptLog: [],
    createdAt: new Date(),
    deliveredAt: null,
    replays: 0,
  } as never);
});

afterAll(async () => {
  await h?.stop();
});

async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const c of [
    'credit_accounts',
    'conversion_rules',
    'conversion_applications',
    'reward_items',
    'webhook_subscriptions',
    'webhook_deliveries',
    'idempotency_keys',
  ]) {
    out[c] = (await h.db
      .collection(c)
      .find({}, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0, leaseUntil: 0 } })
      .sort({ _id: 1 })
      .toArray()) as unknown[];
  }
  return JSON.stringify(out);
}

type Case = {
  query: string;
  variables: () => Record<string, unknown>;
  nothing: (d: Record<string, unknown> | null | undefined) => boolean;
};
const nullOr = (field: string) => (d: Record<string, unknown> | null | undefined) => !d || d[field] === null || d[field] === undefined;
const emptyConnection = (field: string) => (d: Record<string, unknown> | null | undefined) =>
  !d || (d[field] as { totalCount: number } | null)?.totalCount === 0;
const emptyList = (field: string) => (d: Record<string, unknown> | null | undefined) => !d || (d[field] as unknown[]).length === 0;

const CASES: Record<string, Case> = {
  // Published rules are public by design (CONTRACT.md); a draft is not.
  'Query.conversionRule': {
    query: `query($id: ID!) { conversionRule(id: $id) { id } }`,
    variables: () => ({ id: draftId }),
    nothing: nullOr('conversionRule'),
  },
  'Query.conversionRules': {
    query: `{ conversionRules(filter: { status: "DRAFT", province: "33" }) { totalCount } }`,
    variables: () => ({}),
    nothing: emptyConnection('conversionRules'),
  },
  'Query.conversionApplication': {
    query: `query($id: ID!) { conversionApplication(id: $id) { id } }`,
    variables: () => ({ id: appId }),
    nothing: nullOr('conversionApplication'),
  },
  'Query.conversionApplications': {
    query: `{ conversionApplications { totalCount } }`,
    variables: () => ({}),
    nothing: emptyConnection('conversionApplications'),
  },
  'Query.simulateConversion': {
    query: `query($a: ID!, $r: ID!) { simulateConversion(accountNo: $a, ruleId: $r) { eligible } }`,
    variables: () => ({ a: accountNo, r: ruleId }),
    nothing: nullOr('simulateConversion'),
  },
  'Query.rewardItems': {
    query: `{ rewardItems(province: "33") { code } }`,
    variables: () => ({}),
    nothing: (d) => !d || (d['rewardItems'] as unknown[] | null) === null,
  },
  'Query.webhookSubscriptions': {
    query: `{ webhookSubscriptions { id } }`,
    variables: () => ({}),
    nothing: emptyList('webhookSubscriptions'),
  },
  'Query.webhookDeliveries': {
    query: `query($s: ID!) { webhookDeliveries(subscriptionId: $s) { totalCount } }`,
    variables: () => ({ s: subId }),
    nothing: emptyConnection('webhookDeliveries'),
  },
  'Mutation.draftConversionRule': {
    query: `mutation($i: ConversionRuleInput!) { draftConversionRule(input: $i) { id province } }`,
    variables: () => ({ i: ruleInput() }),
    nothing: nullOr('draftConversionRule'),
  },
  'Mutation.publishConversionRule': {
    query: `mutation($id: ID!) { publishConversionRule(id: $id) { id } }`,
    variables: () => ({ id: draftId }),
    nothing: nullOr('publishConversionRule'),
  },
  'Mutation.retireConversionRule': {
    query: `mutation($id: ID!) { retireConversionRule(id: $id) { id } }`,
    variables: () => ({ id: ruleId }),
    nothing: nullOr('retireConversionRule'),
  },
  'Mutation.submitConversion': {
    query: SUBMIT,
    variables: () => ({ i: { accountNo, ruleId, outcomeIds: [outcomes[2]!, outcomes[0]!], idempotencyKey: 'intrude' } }),
    nothing: nullOr('submitConversion'),
  },
  'Mutation.preliminaryReview': {
    query: `mutation($id: ID!) { preliminaryReview(id: $id, approve: false, note: "x") { id } }`,
    variables: () => ({ id: appId }),
    nothing: nullOr('preliminaryReview'),
  },
  'Mutation.decideConversion': {
    query: `mutation($id: ID!) { decideConversion(id: $id, approve: false, note: "x") { id } }`,
    variables: () => ({ id: appId }),
    nothing: nullOr('decideConversion'),
  },
  'Mutation.cancelConversion': {
    query: `mutation($id: ID!) { cancelConversion(id: $id) { id } }`,
    variables: () => ({ id: appId }),
    nothing: nullOr('cancelConversion'),
  },
  'Mutation.upsertRewardItem': {
    query: `mutation { upsertRewardItem(input: { code: "ZJ-CARD", name: "x", kind: STUDENT_CARD_TOPUP, pointsCost: 1, stock: 99999, province: "33" }) { code } }`,
    variables: () => ({}),
    nothing: nullOr('upsertRewardItem'),
  },
  'Mutation.redeemReward': {
    query: `mutation($a: ID!) { redeemReward(accountNo: $a, itemCode: "ZJ-CARD", quantity: 1, idempotencyKey: "intrude") { id } }`,
    variables: () => ({ a: accountNo }),
    nothing: nullOr('redeemReward'),
  },
  'Mutation.createWebhookSubscription': {
    query: `mutation { createWebhookSubscription(input: { url: "https://partner.example.edu.cn/x", events: ["conversion.approved"] }) { secret } }`,
    variables: () => ({}),
    nothing: nullOr('createWebhookSubscription'),
  },
  'Mutation.rotateWebhookSecret': {
    query: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
    variables: () => ({ id: subId }),
    nothing: nullOr('rotateWebhookSecret'),
  },
  'Mutation.replayWebhookDelivery': {
    query: `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`,
    variables: () => ({ id: deliveryId }),
    nothing: nullOr('replayWebhookDelivery'),
  },
};

it('covers every operation of the schema', () => {
  expect(Object.keys(CASES).sort()).toEqual(rootOperations(typeDefs).sort());
});

const OTHER_PARTNER_44 = makeUscc('440106', 4545);
const strangers: Record<string, () => string> = {
  'centre admin of 44': () => tokens.centerAdmin('44'),
  'operator of 44': () => tokens.operator('sn-gd', '44'),
  'expert of 44': () => tokens.expert('44'),
  'partner university of 44': () => tokens.universityPartner(OTHER_PARTNER_44, '44'),
  'another learner': () => tokens.learner(otherLearner),
  'institution admin of 33': () => tokens.institutionAdmin(makeUscc('330106', 5151), '33'),
  'analyst of 33': () => tokens.analyst('33'),
  anonymous: () => '',
};

describe.each(Object.entries(strangers))('%s', (who, token) => {
  it.each(Object.keys(CASES))('%s gives nothing and changes nothing', async (op) => {
    const c = CASES[op]!;
    // By design: the province's reward catalogue is readable by anyone signed in of that province.
    if (op === 'Query.rewardItems' && ['another learner', 'institution admin of 33', 'analyst of 33'].includes(who)) return;
    const before = await snapshot();
    // Staff of another province may draft rules and partners subscribe — in their own province and institution only.
    if (
      (op === 'Mutation.draftConversionRule' && ['centre admin of 44', 'expert of 44'].includes(who)) ||
      (op === 'Mutation.createWebhookSubscription' && who === 'partner university of 44')
    ) {
      const own = await h.gql<Record<string, { province?: string; secret?: string }>>(c.query, c.variables(), token());
      if (op === 'Mutation.draftConversionRule') expect(own.data?.['draftConversionRule']?.province).toBe('44');
      else expect(own.data?.['createWebhookSubscription']?.secret).toMatch(/^whsec_/);
      const subs = await h.ok<{ webhookSubscriptions: unknown[] }>(
        `{ webhookSubscriptions { id } }`,
        {},
        tokens.universityPartner(PARTNER),
      );
      expect(subs.webhookSubscriptions).toHaveLength(1);
      return;
    }
    const r = await h.gql(c.query, c.variables(), token() || undefined);
    expect(c.nothing(r.data as Record<string, unknown> | null)).toBe(true);
    expect(JSON.stringify(r)).not.toContain(appId);
    expect(await snapshot()).toBe(before);
  });

  it('gets nothing through _entities', async () => {
    const r = await graphql<{ _entities: Array<Record<string, unknown> | null> }>(
      h.url,
      `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on ConversionApplication {
              id
            }
            ... on ConversionRule {
              id
            }
            ... on Learner {
              creditAccount {
                recognized
                points {
                  earned
                }
                ledger {
                  totalCount
                }
                redemptions {
                  id
                }
              }
              conversions {
                totalCount
              }
            }
          }
        }
      `,
      {
        r: [
          { __typename: 'ConversionApplication', id: appId },
          { __typename: 'ConversionRule', id: draftId },
          { __typename: 'Learner', accountNo },
        ],
      },
      token() ? { token: token() } : {},
    );
    expect(r.data?._entities).toEqual([
      null,
      null,
      {
        creditAccount: { recognized: 0, points: { earned: 0 }, ledger: { totalCount: 0 }, redemptions: [] },
        conversions: { totalCount: 0 },
      },
    ]);
  });
});

it('the learner, the province’s staff and the addressed partner do see the application', async () => {
  const q = `query($id: ID!) { conversionApplication(id: $id) { id } }`;
  for (const token of [
    tokens.learner(accountNo),
    tokens.operator('sn-1'),
    tokens.centerAdmin('33'),
    tokens.universityPartner(PARTNER),
    tokens.platformAdmin('11'),
  ]) {
    expect((await h.gql<{ conversionApplication: { id: string } }>(q, { id: appId }, token)).data?.conversionApplication?.id).toBe(appId);
  }
  const queue = await h.ok<{ conversionApplications: { totalCount: number } }>(
    `{ conversionApplications(filter: { status: SUBMITTED }) { totalCount } }`,
    {},
    tokens.universityPartner(PARTNER),
  );
  expect(queue.conversionApplications.totalCount).toBe(1);
  expect(
    (
      await h.ok<{ conversionApplications: { totalCount: number } }>(
        `{ conversionApplications { totalCount } }`,
        {},
        tokens.universityPartner(makeUscc('330106', 9393)),
      )
    ).conversionApplications.totalCount,
  ).toBe(0);
});
