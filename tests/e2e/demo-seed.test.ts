import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoWorld, type SeedReport } from '@creditbank/cli/seed';
import { runSeedNetwork } from '@creditbank/intake-network-service/seed-network';
import { runSeed as runStandardsSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, serviceTestEnv, testSigningKey, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

// `creditbank seed` (what `npm start` runs) against the whole platform: a small world through the
// gateway, then the same command again, which must add nothing.
let platform: Platform;
let keyFile: string;
let first: SeedReport;

beforeAll(async () => {
  platform = await startPlatform();
  const env = (service: string) => ({ ...serviceTestEnv(platform.ns, service), LOG_LEVEL: 'error' });
  await runSeedNetwork(['--province', '33', '--points', '30'], env('intake-network'));
  await runStandardsSeed(env('standards'));
  const key = testSigningKey();
  keyFile = join(mkdtempSync(join(tmpdir(), 'seed-key-')), 'key.pem');
  writeFileSync(keyFile, key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const run = () =>
  seedDemoWorld({ url: platform.gatewayUrl, scale: 0.01, concurrency: 4, kid: testSigningKey().kid, keyFile, log: () => undefined });

it('seeds institutions in the seed document’s proportions, learners at intake points and their outcomes', async () => {
  first = await run();
  expect(first.intakePoints['33']).toBe(30);
  // 890 / 545 / 854 / 2,469 at scale 0.01, and the partner university.
  expect(first.institutions.created + first.institutions.existing).toBe(9 + 5 + 9 + 25 + 1);
  expect(first.learners.opened + first.learners.existing).toBe(20);
  expect(first.outcomes.rejected).toBe(0);
  expect(first.outcomes.accepted).toBeGreaterThan(40);
  expect(first.conversion.rules).toHaveLength(2); // the partner university's rules, published
  expect(first.conversion.rewardItems).toBe(4);
  expect(first.sample.accountNo).toMatch(/^33\d{9}[\dX]$/);
  await eventually(async () => {
    const data = await graphqlOk<{ learner: { outcomes: { totalCount: number } } }>(
      platform.gatewayUrl,
      `query($a: ID!) { learner(accountNo: $a) { outcomes { totalCount } } }`,
      { a: first.sample.accountNo },
      { token: tokens.centerAdmin('33') },
    );
    expect(data.learner.outcomes.totalCount).toBeGreaterThan(0);
  });
}, 240_000);

it('is idempotent: a second run finds everything and adds nothing', async () => {
  const again = await run();
  expect(again.institutions.created).toBe(0);
  expect(again.learners.opened).toBe(0);
  expect(again.learners.existing).toBe(20);
  expect(again.outcomes.accepted).toBe(0);
  expect(again.conversion.rules).toEqual(first.conversion.rules); // found, not drafted again
  expect(again.outcomes.duplicates).toBe(first.outcomes.accepted + first.outcomes.duplicates);
}, 240_000);
