import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '@creditbank/logging';

export interface ProbeOptions {
  /** Readiness of everything the process needs (database, Kafka, …). */
  readiness: () => Promise<boolean>;
  registry: Registry;
  isDraining: () => boolean;
}

/**
 * `/healthz` (liveness: the process serves HTTP), `/readyz` (readiness: dependencies reachable and
 * not draining), `/metrics` (Prometheus).
 */
export function mountProbes(app: Express, options: ProbeOptions): void {
  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (options.isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const ok = await options.readiness().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
}

/** Last-resort error handler: never leak a stack or internals over HTTP. */
export function jsonErrorHandler(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) logger.error({ err: error }, 'http error');
    const message =
      status === 413
        ? 'Request body too large'
        : status === 400
          ? 'Malformed request body'
          : status < 500
            ? 'Bad request'
            : 'Internal server error';
    res.status(status).json({
      errors: [
        { message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } },
      ],
    });
  };
}

export interface HttpListener {
  server: Server;
  url(): string;
  listen(host: string, port: number): Promise<void>;
  /** Stop accepting, wait for in-flight requests (bounded), then close idle keep-alive sockets. */
  close(timeoutMs: number): Promise<void>;
}

export function createHttpListener(app: Express): HttpListener {
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 120_000 }, app);
  let address = '';
  return {
    server,
    url: () => address,
    async listen(host, port) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          address = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
          resolve();
        });
      });
    },
    async close(timeoutMs) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

export { express };
