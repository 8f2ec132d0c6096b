import { createServer, type Server, type Socket } from 'node:net';
import { GraphQLError } from 'graphql';
import { createSubgraphFetcher, type SubgraphHttpClient } from './fetcher';
import { classifySubgraphFailure, subgraphFailureError } from './subgraph-failure';

/** A TCP server that accepts connections and never answers (a hung process looks like this). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = await silentServer();
  await s.close();
  return s.port;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('subgraph call failures', () => {
  it.each<SubgraphHttpClient>(['request', 'fetch'])(
    'a subgraph that never answers is SERVICE_TIMEOUT after the deadline (%s)',
    async (client) => {
      const server = await silentServer();
      const { fetcher, close } = createSubgraphFetcher({ connections: 2, timeoutMs: 150, client });
      try {
        const t0 = Date.now();
        const error = await failureOf(fetcher(`http://127.0.0.1:${server.port}/graphql`, { method: 'POST', body: '{}' }));
        expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
        expect(classifySubgraphFailure(error).code).toBe('SERVICE_TIMEOUT');
      } finally {
        await close();
        await server.close();
      }
    },
  );

  it.each<SubgraphHttpClient>(['request', 'fetch'])('a refused connection is SERVICE_UNAVAILABLE at once (%s)', async (client) => {
    const port = await closedPort();
    const { fetcher, close } = createSubgraphFetcher({ connections: 2, timeoutMs: 5_000, client });
    try {
      const t0 = Date.now();
      const error = await failureOf(fetcher(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' }));
      expect(Date.now() - t0).toBeLessThan(1_000);
      const failure = classifySubgraphFailure(error);
      expect(failure.code).toBe('SERVICE_UNAVAILABLE');
      expect(failure.cause).toContain('ECONNREFUSED'); // for the log
    } finally {
      await close();
    }
  });

  it('an HTTP error of the subgraph keeps 401/403 and is SERVICE_UNAVAILABLE otherwise', () => {
    const http = (status: number) =>
      new GraphQLError(`${status}: `, {
        extensions: { response: { url: 'http://account.internal:4101/graphql', status, statusText: '', body: 'upstream detail' } },
      });
    expect(classifySubgraphFailure(http(401))).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(classifySubgraphFailure(http(403))).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(classifySubgraphFailure(http(502))).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 502 });
    expect(classifySubgraphFailure(http(503))).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(classifySubgraphFailure(new SyntaxError('Unexpected token < in JSON')).code).toBe('SERVICE_UNAVAILABLE');
    expect(classifySubgraphFailure('odd').code).toBe('SERVICE_UNAVAILABLE');
  });

  it('the error sent on carries the code only: no URL, response body or cause', () => {
    const error = subgraphFailureError(
      classifySubgraphFailure(
        new GraphQLError('401: ', { extensions: { response: { url: 'http://account.internal:4101/graphql', status: 401, body: 'x' } } }),
      ),
    );
    expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    const timeout = subgraphFailureError(
      classifySubgraphFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    );
    expect(timeout.extensions).toEqual({ code: 'SERVICE_TIMEOUT' });
    expect(JSON.stringify(timeout)).not.toMatch(/abort|http|127\.0\.0\.1/i);
  });
});
