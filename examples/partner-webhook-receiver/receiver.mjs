#!/usr/bin/env node
// A partner university's webhook receiver for credit bank conversion events, with no dependencies:
// it verifies Standard Webhooks signatures by hand so the algorithm is visible (the same check the
// `standardwebhooks` libraries do), rejects stale or replayed deliveries, and prints each event.
//
//   CREDITBANK_WEBHOOK_SECRETS=whsec_new,whsec_old PORT=8080 node receiver.mjs
//
// Several secrets may be given during a rotation; a delivery is accepted when any signature in its
// `webhook-signature` header matches any of them.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY = 1024 * 1024;

/** The HMAC key of a `whsec_<base64>` secret. */
function keyOf(secret) {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** Returns null when the delivery is authentic and fresh, else the reason it is not. */
export function verify({ id, timestamp, signature, body }, secrets, now = Date.now()) {
  if (!id || !timestamp || !signature) return 'missing webhook-id, webhook-timestamp or webhook-signature';
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(now / 1000 - ts) > TOLERANCE_SECONDS) return 'timestamp outside the tolerance';
  const signed = `${id}.${timestamp}.${body}`;
  const expected = secrets.map((s) => createHmac('sha256', keyOf(s)).update(signed).digest());
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',');
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (expected.some((e) => e.length === given.length && timingSafeEqual(e, given))) return null;
  }
  return 'no matching signature';
}

export function createReceiver({ secrets, onEvent, log = () => {} }) {
  const seen = new Set(); // use a database table in production: deliveries are at least once
  return createServer((req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      const problem = verify(
        { id, timestamp: req.headers['webhook-timestamp'], signature: req.headers['webhook-signature'], body },
        secrets,
      );
      if (problem) {
        log({ rejected: problem, id });
        return void res.writeHead(400).end();
      }
      if (seen.has(id)) {
        log({ duplicate: id });
        return void res.writeHead(204).end(); // already handled: acknowledge, do nothing
      }
      seen.add(id);
      const event = JSON.parse(body); // { type, timestamp, data }
      onEvent(id, event);
      res.writeHead(204).end();
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secrets = (process.env.CREDITBANK_WEBHOOK_SECRETS ?? '').split(',').filter(Boolean);
  if (secrets.length === 0) {
    console.error('set CREDITBANK_WEBHOOK_SECRETS to the whsec_… secret(s) from createWebhookSubscription / rotateWebhookSecret');
    process.exit(2);
  }
  const server = createReceiver({
    secrets,
    onEvent: (id, event) => console.log(JSON.stringify({ id, type: event.type, data: event.data })),
    log: (entry) => console.log(JSON.stringify(entry)),
  });
  server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
    console.log(JSON.stringify({ listening: server.address().port }));
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
