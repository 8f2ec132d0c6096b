import { Agent, fetch as undiciFetch } from 'undici';

/**
 * Subgraph HTTP: a bounded keep-alive pool per origin and a deadline per call, so one slow subgraph
 * cannot hold the gateway's connections or a client's request forever.
 */
export function createSubgraphFetcher(options: { connections: number; timeoutMs: number }) {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    pipelining: 1,
    connect: { timeout: 2_000 },
  });
  const fetcher = ((url: string, init: Parameters<typeof undiciFetch>[1] = {}) =>
    undiciFetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(options.timeoutMs) })) as unknown as typeof fetch;
  return { fetcher, close: () => agent.close() };
}
