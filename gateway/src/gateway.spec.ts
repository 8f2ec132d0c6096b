import { gatewayEnvSchema } from './env';
import { resolveSubgraphUrl } from './gateway';

const env = gatewayEnvSchema.parse({ JWT_JWKS: '{"keys":[]}', SUBGRAPH_ACCOUNT_URL: 'http://account.internal:4101/graphql' });

describe('resolveSubgraphUrl', () => {
  it('by default takes our subgraphs URLs from the environment, whatever the supergraph says', () => {
    expect(resolveSubgraphUrl(env, { name: 'account', url: 'http://elsewhere/graphql' })).toBe('http://account.internal:4101/graphql');
  });

  it('by default refuses a subgraph that is not ours', () => {
    expect(() => resolveSubgraphUrl(env, { name: 'accounts', url: 'http://127.0.0.1:1/graphql' })).toThrow(/unknown subgraph accounts/);
  });

  it('with subgraphUrlsFromSupergraph serves any subgraph at the URL of the supergraph', () => {
    expect(resolveSubgraphUrl(env, { name: 'accounts', url: 'http://127.0.0.1:1/graphql' }, true)).toBe('http://127.0.0.1:1/graphql');
    expect(() => resolveSubgraphUrl(env, { name: 'accounts' }, true)).toThrow(/no URL/);
  });

  it('reads the tuning knobs with production-safe defaults', () => {
    expect(env.GATEWAY_WORKERS).toBeUndefined();
    expect(env.SUBGRAPH_HTTP_CLIENT).toBe('request');
    expect(env.QUERY_PLAN_CACHE_ENTRIES).toBe(1000);
    expect(gatewayEnvSchema.safeParse({ JWT_JWKS: '{}', GATEWAY_WORKERS: '0' }).success).toBe(false);
    expect(gatewayEnvSchema.safeParse({ JWT_JWKS: '{}', GATEWAY_WORKERS: 'auto' }).success).toBe(true);
  });
});
