import { graphql, type GraphQLResponse, type RequestOptions } from '@creditbank/testing';
import type { Platform, ServiceKey } from './platform';

/** GraphQL operations each subgraph has served so far (from its Prometheus histogram). */
export async function subgraphOperationsBy(platform: Platform): Promise<Record<ServiceKey, number>> {
  const out = {} as Record<ServiceKey, number>;
  for (const key of Object.keys(platform.subgraphUrl) as ServiceKey[]) {
    const text = await (await fetch(platform.subgraphUrl[key].replace(/\/graphql$/, '/metrics'))).text();
    let total = 0;
    for (const m of text.matchAll(/^creditbank_graphql_duration_seconds_count\{[^}]*\} (\d+)/gm)) total += Number(m[1]);
    out[key] = total;
  }
  return out;
}

/** Total GraphQL operations served by all subgraphs. */
export async function subgraphOperations(platform: Platform): Promise<number> {
  return Object.values(await subgraphOperationsBy(platform)).reduce((a, b) => a + b, 0);
}

/** Runs `request` and returns its response with the number of subgraph operations it caused. */
export async function countingSubgraphCalls<T>(platform: Platform, request: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = await subgraphOperations(platform);
  const result = await request();
  return { result, calls: (await subgraphOperations(platform)) - before };
}

export function codes(r: GraphQLResponse<unknown>): string[] {
  return (r.errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'NONE'));
}

export function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  return graphql<T>(url, query, variables, options);
}

/**
 * Seeds a world, retrying when a write times out under load (a slow first write of a fresh namespace
 * on a busy machine): each attempt gets its own number so retried learners never collide.
 */
export async function seedWithRetry<T>(attempt: (n: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= attempts || !/INTERNAL_SERVER_ERROR|SERVICE_TIMEOUT|SERVICE_UNAVAILABLE/.test(String(error))) throw error;
    }
  }
}
