import { graphql, tokens } from '@creditbank/testing';
import { makeResidentId } from '@creditbank/identity';
import { LearnerAccountOpened, TOPICS } from '@creditbank/contracts';
import { eventually, tapTopics } from '@creditbank/testing';
import { startPlatform, type Platform, type ServiceKey } from '../support/platform';

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  await platform?.stop();
});

/** GraphQL operations the subgraphs have served so far (from their Prometheus histograms). */
async function subgraphOperations(): Promise<number> {
  let total = 0;
  for (const key of Object.keys(platform.subgraphUrl) as ServiceKey[]) {
    const text = await (await fetch(platform.subgraphUrl[key].replace(/\/graphql$/, '/metrics'))).text();
    for (const m of text.matchAll(/^creditbank_graphql_duration_seconds_count\{[^}]*\} (\d+)/gm)) total += Number(m[1]);
  }
  return total;
}

describe('gateway limits', () => {
  const deep = (n: number) => `{ serviceNode(id: "x") { ${'parent { '.repeat(n)}id${' }'.repeat(n)} } }`;

  it.each([
    ['depth (one past the limit of 12)', deep(11), /depth limit of 12 exceeded, found 13/],
    ['aliases', `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: serviceNode(id: "x") { id }`).join(' ')} }`, /alias/i],
    ['tokens', `{ serviceNode(id: "x") { id ${'__typename '.repeat(6000)} } }`, /token/i],
  ])('refuses excessive %s before any subgraph is called', async (_name, query, message) => {
    const before = await subgraphOperations();
    const r = await graphql(platform.gatewayUrl, query);
    expect(r.errors?.[0]?.message).toMatch(message);
    expect(r.data ?? null).toBeNull();
    expect(await subgraphOperations()).toBe(before);
  });

  it('accepts a query at the depth limit', async () => {
    const r = await graphql(platform.gatewayUrl, deep(10)); // depth 12
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ serviceNode: null });
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(17 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
  });
});

describe('gateway protections', () => {
  it('refuses simple-content-type POSTs and GET mutations (CSRF)', async () => {
    const simple = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(simple.status).toBe(400);
    const get = await fetch(
      `${platform.gatewayUrl}?query=${encodeURIComponent('mutation { openServiceNode(input: {kind: CENTER, name: "x", adminDivision: "330000"}) { id } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(get.status).toBe(405);
  });

  it('refuses an invalid token with 401 before any subgraph is called', async () => {
    const before = await subgraphOperations();
    const r = await graphql(platform.gatewayUrl, '{ serviceNode(id: "x") { id } }', {}, { token: 'not-a-token' });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(await subgraphOperations()).toBe(before);
  });

  it('answers CORS preflights for configured front-end origins only', async () => {
    const ok = await fetch(platform.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const evil = await fetch(platform.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('publishes the subgraphs’ public key routes, and nothing else of them', async () => {
    const base = platform.gatewayUrl.replace(/\/graphql$/, '');
    const jwks = await fetch(`${base}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    const certKeys = await fetch(`${base}/.well-known/certificate-keys.json`);
    expect(((await certKeys.json()) as { keys: Array<{ kid: string }> }).keys[0]?.kid).toBe('test-cert-1');
    expect((await fetch(`${base}/certificates/AAAA-BBBB-CCCC.pdf`)).status).toBe(404);
    expect((await fetch(`${base}/.well-known/other`)).status).toBe(404);
  });

  it('serves probes and metrics', async () => {
    const base = platform.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('creditbank_graphql_duration_seconds');
  });
});

describe('request id propagation', () => {
  it('carries the client request id gateway → subgraph → event', async () => {
    const tap = await tapTopics([platform.ns.topicPrefix + TOPICS.account]);
    const r = await graphql(
      platform.gatewayUrl,
      `
        mutation ($i: OpenLearnerAccountInput!) {
          openLearnerAccount(input: $i) {
            learner {
              accountNo
            }
          }
        }
      `,
      { i: { idNumber: makeResidentId('330110', '1990-09-09', 8), name: '钱七', adminDivision: '330110', agreementVersion: '2026-01' } },
      { token: tokens.operator('sn-propagation'), headers: { 'x-request-id': 'e2e-request-42' } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.headers.get('x-request-id')).toBe('e2e-request-42');
    await eventually(() => expect(tap.events(LearnerAccountOpened.type).map((e) => e.requestid)).toContain('e2e-request-42'));
    await tap.stop();
  });
});
