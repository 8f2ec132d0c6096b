import nock from 'nock';
import { Webhook } from 'standardwebhooks';
import { eventually, tokens } from '@creditbank/testing';
import {
  PARTNER,
  SUBMIT,
  newAccountNo,
  opened,
  publishedRule,
  recognized,
  revoked,
  startConversion,
  type ConversionHarness,
} from './harness';

/**
 * Partner-university webhooks against nock (the partner's HTTPS endpoint): signatures checked with the
 * standardwebhooks library as a partner would, retries on 500/timeout/429, 410 disables, rotation
 * signs with both secrets, non-public addresses are refused.
 */
const HOST = 'https://partner.example.edu.cn';
const ADDRESSES: Record<string, string[]> = {
  'partner.example.edu.cn': ['101.6.6.6'],
  'gone.example.edu.cn': ['101.6.6.8'],
  'evil.example.com': ['10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
  'rebind.example.com': ['101.6.6.7', '127.0.0.1'],
};

let h: ConversionHarness;
let ruleId: string;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)/);
  h = await startConversion(
    {},
    {
      resolveHost: async (name) => {
        const a = ADDRESSES[name];
        if (!a) throw new Error('ENOTFOUND');
        return a;
      },
    },
  );
  ruleId = await publishedRule(h);
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await h?.stop();
});

const CREATE = `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret subscription { id status events } } }`;
const DELIVERIES = `query($s: ID!) { webhookDeliveries(subscriptionId: $s) { totalCount edges { node { id eventId eventType status attempts lastStatusCode lastError attemptLog { statusCode error } } } } }`;
type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: Array<{ statusCode: number | null; error: string | null }>;
};

const partner = () => tokens.universityPartner(PARTNER);
async function deliveries(subscriptionId: string): Promise<Delivery[]> {
  const r = await h.ok<{ webhookDeliveries: { edges: Array<{ node: Delivery }> } }>(DELIVERIES, { s: subscriptionId }, partner());
  return r.webhookDeliveries.edges.map((e) => e.node);
}

interface Captured {
  headers: Record<string, string>;
  body: string;
}
function capture(into: Captured[]) {
  return function (this: { req: { headers: Record<string, string> } }, _uri: string, body: unknown) {
    into.push({ headers: this.req.headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return [200, 'ok'];
  } as unknown as (uri: string, body: nock.Body) => nock.ReplyFnResult;
}

async function submitFor() {
  const accountNo = newAccountNo();
  const events = [recognized(accountNo), recognized(accountNo)];
  await h.feed([opened(accountNo), ...events]);
  const outcomeIds = events.map((e) => e.event.data.outcomeId);
  const r = await h.ok<{ submitConversion: { id: string } }>(
    SUBMIT,
    { i: { accountNo, ruleId, outcomeIds, idempotencyKey: 'wh' } },
    tokens.learner(accountNo),
  );
  return { accountNo, outcomeIds, id: r.submitConversion.id };
}

describe('subscriptions', () => {
  it.each([
    ['https://evil.example.com/hook', /non-public/],
    ['https://metadata.example.com/latest', /non-public/],
    ['https://rebind.example.com/hook', /non-public/],
    ['https://10.1.2.3/hook', /not public/],
    ['https://[::1]/hook', /not public/],
    ['http://partner.example.edu.cn/hook', /https/],
    ['https://nowhere.example.org/hook', /does not resolve/],
  ])('refuses %s (SSRF)', async (url, message) => {
    const r = await h.gql(CREATE, { i: { url, events: ['conversion.approved'] } }, partner());
    expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(message);
  });

  it('only partner universities manage them, for their own institution', async () => {
    const r = await h.gql(CREATE, { i: { url: `${HOST}/x`, events: ['conversion.approved'] } }, tokens.centerAdmin());
    expect(r.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const bad = await h.gql(CREATE, { i: { url: `${HOST}/x`, events: ['outcome.recognized'] } }, partner());
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('deliveries', () => {
  it('retry after 500, a timeout and 429, then succeed; the partner verifies the signature; rotation signs with both secrets', async () => {
    const created = await h.ok<{ createWebhookSubscription: { secret: string; subscription: { id: string } } }>(
      CREATE,
      { i: { url: `${HOST}/hooks`, events: ['conversion.submitted', 'conversion.needs-review', 'conversion.approved'] } },
      partner(),
    );
    const { secret, subscription } = created.createWebhookSubscription;
    expect(secret).toMatch(/^whsec_/);
    const got: Captured[] = [];
    const scope = nock(HOST)
      .post('/hooks')
      .reply(500)
      .post('/hooks')
      .delay(3000)
      .reply(200)
      .post('/hooks')
      .reply(429, 'slow down', { 'retry-after': '0' })
      .post('/hooks')
      .reply(capture(got));
    const { id } = await submitFor();
    await eventually(async () => expect((await deliveries(subscription.id))[0]?.status).toBe('SUCCEEDED'), { timeoutMs: 30_000 });
    const [d] = await deliveries(subscription.id);
    expect(d).toMatchObject({ eventType: 'conversion.submitted', attempts: 4, lastStatusCode: 200 });
    expect(d!.attemptLog.map((a) => a.statusCode)).toEqual([500, null, 429, 200]);
    expect(d!.attemptLog[1]!.error).toMatch(/timed out/);
    expect(scope.isDone()).toBe(true);
    // The partner verifies exactly as the Standard Webhooks library does.
    const payload = new Webhook(secret).verify(got[0]!.body, got[0]!.headers) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'conversion.submitted', data: { applicationId: id, targetInstitutionCode: PARTNER } });
    expect(got[0]!.headers['webhook-id']).toBe(d!.eventId);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(got[0]!.body, got[0]!.headers)).toThrow();
    // PII-minimised: no names, ID numbers or phones in the payload.
    expect(Object.keys(payload.data).sort()).toEqual(
      [
        'accountNo',
        'applicationId',
        'creditsReserved',
        'nodeId',
        'outcomeIds',
        'province',
        'ruleId',
        'ruleVersion',
        'submittedAt',
        'submittedBy',
        'targetInstitutionCode',
        'targetKind',
      ].sort(),
    );

    // Rotation: the next delivery carries two signatures; each secret verifies it.
    const rotated = await h.ok<{ rotateWebhookSecret: { secret: string; subscription: { previousSecretExpiresAt: string } } }>(
      `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret subscription { previousSecretExpiresAt } } }`,
      { id: subscription.id },
      partner(),
    );
    expect(rotated.rotateWebhookSecret.subscription.previousSecretExpiresAt).toBeTruthy();
    const after: Captured[] = [];
    nock(HOST).post('/hooks').reply(capture(after));
    await submitFor();
    await eventually(() => expect(after).toHaveLength(1), { timeoutMs: 20_000 });
    expect(after[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.rotateWebhookSecret.secret).verify(after[0]!.body, after[0]!.headers)).toBeTruthy();
    expect(new Webhook(secret).verify(after[0]!.body, after[0]!.headers)).toBeTruthy();

    // A replay sends the same webhook-id again.
    const again: Captured[] = [];
    nock(HOST).post('/hooks').reply(capture(again));
    const replayed = await h.ok<{ replayWebhookDelivery: { status: string } }>(
      `mutation($id: ID!) { replayWebhookDelivery(id: $id) { status } }`,
      { id: d!.id },
      partner(),
    );
    expect(replayed.replayWebhookDelivery.status).toBe('PENDING');
    await eventually(() => expect(again).toHaveLength(1), { timeoutMs: 20_000 });
    expect(again[0]!.headers['webhook-id']).toBe(d!.eventId);
    await h.ok(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id: subscription.id }, partner()); // keeps working
    const other = await h.gql(
      `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
      { id: subscription.id },
      tokens.universityPartner('91330106MA2B3C4D5E'),
    );
    expect(other.errors?.[0]?.extensions?.['code']).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
    // Done with this subscription: it answers 410 from now on.
    nock(HOST).post('/hooks').reply(410).persist();
  });

  it('a revoked outcome of an approved conversion notifies the partner (needs review); 410 Gone disables the subscription; retries stop after the maximum', async () => {
    nock.cleanAll();
    const created = await h.ok<{ createWebhookSubscription: { secret: string; subscription: { id: string } } }>(
      CREATE,
      { i: { url: 'https://gone.example.edu.cn/hooks', events: ['conversion.needs-review'] } },
      partner(),
    );
    const sub = created.createWebhookSubscription.subscription.id;
    const { accountNo, outcomeIds, id } = await submitFor();
    await h.ok(`mutation($id: ID!) { preliminaryReview(id: $id, approve: true) { id } }`, { id }, tokens.operator('sn-1'));
    await h.ok(`mutation($id: ID!) { decideConversion(id: $id, approve: true) { id } }`, { id }, partner());
    const got: Captured[] = [];
    nock('https://gone.example.edu.cn').post('/hooks').reply(capture(got));
    await h.feed([revoked(accountNo, outcomeIds[0]!)]);
    await eventually(() => expect(got).toHaveLength(1), { timeoutMs: 20_000 });
    const payload = new Webhook(created.createWebhookSubscription.secret).verify(got[0]!.body, got[0]!.headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload).toMatchObject({ type: 'conversion.needs-review', data: { applicationId: id, revokedOutcomeId: outcomeIds[0] } });

    // 410 Gone: the subscription is disabled and its later deliveries fail without being sent.
    nock('https://gone.example.edu.cn').post('/hooks').reply(410);
    await h.feed([revoked(accountNo, outcomeIds[1]!)]);
    await eventually(
      async () => {
        const subs = await h.ok<{ webhookSubscriptions: Array<{ id: string; status: string; disabledReason: string }> }>(
          `{ webhookSubscriptions { id status disabledReason } }`,
          {},
          partner(),
        );
        expect(subs.webhookSubscriptions.find((s) => s.id === sub)).toMatchObject({
          status: 'DISABLED',
          disabledReason: expect.stringMatching(/410/),
        });
      },
      { timeoutMs: 20_000 },
    );
    const list = await deliveries(sub);
    expect(list.map((d) => d.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
    const replay = await h.gql(`mutation($id: ID!) { replayWebhookDelivery(id: $id) { status } }`, { id: list[0]!.id }, partner());
    expect(replay.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('gives up after the maximum number of attempts', async () => {
    const limited = await startConversion({ WEBHOOK_MAX_ATTEMPTS: '3' }, { resolveHost: async () => ['101.6.6.9'] });
    try {
      const rule = await publishedRule(limited);
      const created = await limited.ok<{ createWebhookSubscription: { subscription: { id: string } } }>(
        CREATE,
        { i: { url: 'https://down.example.edu.cn/hooks', events: ['conversion.submitted'] } },
        partner(),
      );
      const scope = nock('https://down.example.edu.cn').post('/hooks').times(3).reply(503);
      const accountNo = newAccountNo();
      const e = [recognized(accountNo), recognized(accountNo)];
      await limited.feed([opened(accountNo), ...e]);
      await limited.ok(
        SUBMIT,
        { i: { accountNo, ruleId: rule, outcomeIds: e.map((x) => x.event.data.outcomeId), idempotencyKey: 'x' } },
        tokens.learner(accountNo),
      );
      await eventually(
        async () => {
          const r = await limited.ok<{ webhookDeliveries: { edges: Array<{ node: Delivery }> } }>(
            DELIVERIES,
            { s: created.createWebhookSubscription.subscription.id },
            partner(),
          );
          expect(r.webhookDeliveries.edges[0]?.node).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: 503 });
        },
        { timeoutMs: 20_000 },
      );
      expect(scope.isDone()).toBe(true);
    } finally {
      await limited.stop();
    }
  });
});
