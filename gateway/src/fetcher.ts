import { Agent, fetch as undiciFetch } from 'undici';

/** How subgraph HTTP calls are made: undici's low-level `request` (default) or its WHATWG `fetch`. */
export type SubgraphHttpClient = 'request' | 'fetch';

/** The part of a fetch Response that @apollo/gateway's RemoteGraphQLDataSource reads. */
export interface SubgraphResponse {
  readonly bodyUsed: boolean;
  readonly url: string;
  readonly redirected: boolean;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  clone(): SubgraphResponse;
}

export type SubgraphFetcher = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<SubgraphResponse>;

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.append(name, value);
  }
  return headers;
}

/** A fully read response: the body is a string already, so json()/text() are cheap and repeatable. */
function bufferedResponse(url: string, status: number, headers: Headers, body: string): SubgraphResponse {
  const response: SubgraphResponse = {
    bodyUsed: false,
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText: '',
    headers,
    arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
    text: async () => body,
    json: async () => JSON.parse(body) as unknown,
    clone: () => bufferedResponse(url, status, headers, body),
  };
  return response;
}

/**
 * Subgraph HTTP: a bounded keep-alive pool per origin and a deadline per call, so one slow subgraph
 * cannot hold the gateway's connections or a client's request forever. The default client is undici's
 * `request` (no WHATWG Request/Response/stream objects per call, which cost more than the call itself
 * on small subgraph responses); `fetch` is kept for comparison (the benchmark's ablation).
 */
export function createSubgraphFetcher(options: { connections: number; timeoutMs: number; client?: SubgraphHttpClient }) {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    pipelining: 1,
    connect: { timeout: 2_000 },
  });
  if (options.client === 'fetch') {
    const fetcher = ((url: string, init: Parameters<typeof undiciFetch>[1] = {}) =>
      undiciFetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(options.timeoutMs) })) as unknown as SubgraphFetcher;
    return { fetcher, close: () => agent.close() };
  }
  const fetcher: SubgraphFetcher = async (url, init = {}) => {
    const target = new URL(url);
    const res = await agent.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers ?? {},
      body: init.body ?? null,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = await res.body.text();
    return bufferedResponse(url, res.statusCode, toHeaders(res.headers), body);
  };
  return { fetcher, close: () => agent.close() };
}
