import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export type Encoding = 'br' | 'gzip';

/** The encoding to use for a response of `size` bytes, or null (too small, or not accepted). */
export function chooseEncoding(acceptEncoding: string | undefined, size: number, minBytes: number): Encoding | null {
  if (minBytes <= 0 || size < minBytes || !acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

/**
 * Compress large GraphQL responses only: below `minBytes` a response fits in a few TCP packets and
 * compressing costs more CPU than it saves time, so it is sent as it is. Compression runs on libuv's
 * thread pool (asynchronous zlib), never on the event loop; brotli at a low quality (fast, and still
 * smaller than gzip on JSON).
 */
export function compressLargeResponses(minBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (minBytes <= 0) {
      next();
      return;
    }
    const send = res.send.bind(res);
    res.send = ((body?: unknown) => {
      const payload = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : null;
      const encoding =
        payload && !res.getHeader('content-encoding') ? chooseEncoding(req.headers['accept-encoding'], payload.length, minBytes) : null;
      res.vary('accept-encoding');
      if (!payload || !encoding) return send(body);
      const done =
        encoding === 'br'
          ? brotli(payload, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: payload.length } })
          : gz(payload, { level: 5 });
      done.then(
        (compressed) => {
          res.setHeader('content-encoding', encoding);
          res.removeHeader('content-length');
          if (!res.getHeader('content-type')) res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(compressed);
        },
        () => send(body),
      );
      return res;
    }) as Response['send'];
    next();
  };
}
