import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { HostResolver, WebhookResponse, WebhookSender } from '../use-cases/webhooks.use-case';

/** The system resolver: every address of a name (checked one by one before a request). */
export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * POSTs with Node's http(s) client, connecting only to the address that was checked (the lookup is
 * pinned, so a second DNS answer cannot sneak in a private address), with TLS still verified against
 * the host name. The whole request, body included, is bounded by the timeout; the response body is
 * read (at most 64 KiB) and dropped. Redirects are not followed.
 */
export function createWebhookSender(): WebhookSender {
  return {
    send(url, address, headers, body, timeoutMs) {
      return new Promise<WebhookResponse>((resolve, reject) => {
        const family = address.includes(':') ? 6 : 4;
        const pinned: LookupFunction = (_host, options, callback) => {
          if ((options as { all?: boolean }).all)
            (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
          else callback(null, address, family);
        };
        const client = url.protocol === 'https:' ? https : http;
        const req = client.request(url, {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: pinned,
          timeout: timeoutMs,
        });
        const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
        req.on('error', (error) => {
          clearTimeout(deadline);
          reject(error);
        });
        req.on('response', (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > 65_536) res.destroy();
          });
          const done = () => {
            clearTimeout(deadline);
            const ra = res.headers['retry-after'];
            resolve({ statusCode: res.statusCode ?? 0, retryAfter: Array.isArray(ra) ? (ra[0] ?? null) : (ra ?? null) });
          };
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        });
        req.end(body);
      });
    },
  };
}
