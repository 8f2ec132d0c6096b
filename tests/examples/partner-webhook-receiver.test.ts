import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Webhook } from 'standardwebhooks';
import { eventually } from '@creditbank/testing';

// The partner guide's receiver (no dependencies, signature check by hand) accepts what a Standard
// Webhooks signer produces — the library the conversion service signs with — and nothing else.
const newSecret = `whsec_${randomBytes(24).toString('base64')}`;
const oldSecret = `whsec_${randomBytes(24).toString('base64')}`;
let child: ChildProcessWithoutNullStreams;
let url: string;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  child = spawn(process.execPath, [join(__dirname, '../../examples/partner-webhook-receiver/receiver.mjs')], {
    env: { ...process.env, PORT: '0', CREDITBANK_WEBHOOK_SECRETS: `${newSecret},${oldSecret}` },
  });
  const rl = createInterface({ input: child.stdout });
  url = await new Promise<string>((resolve) => {
    rl.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (typeof entry['listening'] === 'number') resolve(`http://127.0.0.1:${entry['listening']}/`);
    });
  });
});

afterAll(() => {
  child.kill('SIGTERM');
});

async function deliver(body: string, headers: Record<string, string>): Promise<number> {
  return (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })).status;
}

function signed(secret: string, body: string, id = `evt-${randomUUID()}`, at = new Date()) {
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) };
  return { ...headers, 'webhook-signature': new Webhook(secret).sign(id, at, body) };
}

const body = JSON.stringify({
  type: 'conversion.approved',
  timestamp: new Date().toISOString(),
  data: { applicationId: 'ca-1', credits: 4 },
});

it('accepts a signed delivery once and acknowledges its redelivery without handling it again', async () => {
  const headers = signed(newSecret, body, 'evt-1');
  expect(await deliver(body, headers)).toBe(204);
  expect(await deliver(body, headers)).toBe(204);
  // The receiver's stdout arrives a moment after its responses.
  await eventually(() => expect(lines.some((l) => l['duplicate'] === 'evt-1')).toBe(true));
  expect(lines.filter((l) => l['id'] === 'evt-1' && l['type'] === 'conversion.approved')).toHaveLength(1);
});

it('accepts a delivery signed with either secret during a rotation, including two signatures', async () => {
  expect(await deliver(body, signed(oldSecret, body))).toBe(204);
  const id = `evt-${randomUUID()}`;
  const at = new Date();
  const both = `${new Webhook(newSecret).sign(id, at, body)} ${new Webhook(oldSecret).sign(id, at, body)}`;
  expect(await deliver(body, { ...signed(newSecret, body, id, at), 'webhook-signature': both })).toBe(204);
});

it('refuses a changed body, a foreign secret, a stale timestamp and missing headers', async () => {
  expect(await deliver(body.replace('"credits":4', '"credits":40'), signed(newSecret, body))).toBe(400);
  expect(await deliver(body, signed(`whsec_${randomBytes(24).toString('base64')}`, body))).toBe(400);
  expect(await deliver(body, signed(newSecret, body, undefined, new Date(Date.now() - 10 * 60_000)))).toBe(400);
  expect(await deliver(body, { 'webhook-id': 'x' })).toBe(400);
});
