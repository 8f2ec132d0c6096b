import { graphql, testJwks } from '@creditbank/testing';
import { main } from '../src/main';

// In production the gateway answers no introspection and gives no "did you mean" hints. These are
// answered by the gateway itself, so no subgraph needs to run.
let gw: Awaited<ReturnType<typeof main>>;

beforeAll(async () => {
  gw = await main({ NODE_ENV: 'production', LOG_LEVEL: 'silent', PORT: '0', JWT_JWKS: testJwks() });
});

afterAll(async () => {
  await gw.runtime.stop();
});

it('refuses introspection', async () => {
  const r = await graphql(gw.url, '{ __schema { queryType { name } } }');
  expect(r.errors?.[0]?.message).toMatch(/introspection/i);
  expect(r.data ?? null).toBeNull();
});

it('gives no field suggestions', async () => {
  const r = await graphql(gw.url, '{ serviceNod(id: "x") { id } }');
  expect(r.errors?.[0]?.message).toBeDefined();
  expect(JSON.stringify(r.errors)).not.toMatch(/did you mean|serviceNode/i);
});
