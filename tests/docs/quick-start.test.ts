import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README's quick start, as a newcomer runs it: `npm start` (here `node scripts/start.mjs`, what the
// npm script runs) brings the platform up with a (small) demo world and prints the guided start; the
// printed tokens work against the gateway; Ctrl-C stops everything it started. (`npm test` is what CI
// runs.) The local infrastructure is already up in a test run, so start.mjs leaves it running.
const root = join(__dirname, '..', '..');
const localDir = join(root, '.local');

it('npm start brings the platform up with a demo world, and Ctrl-C stops it', async () => {
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
    cwd: root,
    // Its own topic names, so it never races other tests that start services with the real ones.
    env: { ...process.env, DEMO_SCALE: '0.02', LOG_LEVEL: 'warn', CREDITBANK_LOCAL_DIR: localDir, KAFKA_TOPIC_PREFIX: 'quickstart.' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.includes('Ctrl-C stops everything.')) {
          clearInterval(timer);
          resolve();
        }
      }, 500);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`npm start exited (${code}) before it was up:\n${out.slice(-3000)}`));
      });
    });
    for (const expected of [
      'Gateway (GraphQL):  http://localhost:4000/graphql',
      'UNIVERSITY_PARTNER',
      'Data analysts',
      'Partner webhooks:',
    ])
      expect(out).toContain(expected);

    const demo = JSON.parse(readFileSync(join(localDir, 'demo.json'), 'utf8')) as {
      url: string;
      world: { sample: { accountNo: string } };
      tokens: Record<string, string | null>;
    };
    const ask = async (query: string, token?: string | null) =>
      (await (
        await fetch(demo.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query }),
        })
      ).json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    const nearest = await ask('{ nearestIntakePoints(lat: 30.2741, lng: 120.1551, limit: 3) { id name } }');
    expect(nearest.errors).toBeUndefined();
    expect((nearest.data?.['nearestIntakePoints'] as unknown[]).length).toBe(3);
    const me = await ask('{ me { role learner { accountNo status } } }', demo.tokens['learner']);
    expect(me.data?.['me']).toMatchObject({ role: 'LEARNER', learner: { accountNo: demo.world.sample.accountNo, status: 'ACTIVE' } });
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(out).toContain('stopped');
}, 600_000);
