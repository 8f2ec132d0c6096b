import type { Express, Request, Response } from 'express';
import type { Logger } from '@creditbank/logging';
import type { SubgraphFetcher } from './fetcher';

/**
 * The few public, read-only HTTP routes that subgraphs serve besides GraphQL, published through the
 * gateway (subgraphs are reachable only from the gateway): the token verification keys (account), the
 * certificate verification keys and the printable certificates (outcome). GET only, fixed paths,
 * a deadline per call, and nothing but the status, type, caching and body passed back.
 */
export interface PublicRoute {
  path: string;
  /** Subgraph base URL (without /graphql). */
  upstream: string;
}

const PASS_HEADERS = ['content-type', 'cache-control', 'content-disposition', 'content-length'];

export function mountPublicRoutes(app: Express, routes: readonly PublicRoute[], fetcher: SubgraphFetcher, logger: Logger): void {
  for (const route of routes) {
    app.get(route.path, async (req: Request, res: Response) => {
      const target = `${route.upstream}${req.path}`;
      try {
        const upstream = await fetcher(target, { method: 'GET', headers: { accept: String(req.headers.accept ?? '*/*') } });
        res.status(upstream.status);
        for (const h of PASS_HEADERS) {
          const v = upstream.headers.get(h);
          if (v) res.setHeader(h, v);
        }
        res.send(Buffer.from(await upstream.arrayBuffer()));
      } catch (error) {
        logger.warn({ err: error, path: req.path }, 'public route upstream failed');
        res.status(502).json({ errors: [{ message: 'Temporarily unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      }
    });
  }
}
