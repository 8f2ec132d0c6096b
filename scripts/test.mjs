#!/usr/bin/env node
// `npm test`: install if needed → build and type-check everything (tests too) → lint → local
// infrastructure up → the whole jest suite (unit, integration, end-to-end). Extra arguments go to
// jest, e.g. `npm test -- services/account` (then the lint step is skipped). Exit code is jest's.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from './lib/ensure-install.mjs';
import { build } from './lib/build.mjs';
import { run } from './lib/run.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.APOLLO_TELEMETRY_DISABLED = '1';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

try {
  const t0 = performance.now();
  await ensureInstalled(root);
  await build(root, { checkSupergraph: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.check.json'], { cwd: root });
  if (process.argv.length <= 2) {
    await run(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], { cwd: root });
    await run(process.execPath, [join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '.', '--log-level', 'warn'], {
      cwd: root,
    });
  }
  const infra = await import(join(root, 'deploy', 'local', 'infra.mjs'));
  const { mongodbUri, kafkaBrokers, cjkFont } = await infra.up();
  process.env.MONGODB_URI = mongodbUri;
  process.env.KAFKA_BROKERS = kafkaBrokers;
  if (cjkFont) process.env.CERT_FONT_FILE ??= cjkFont;
  const jestArgs = ['--ci', '--maxWorkers=2', ...process.argv.slice(2)];
  await run(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs], { cwd: root });
  console.log(`npm test passed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(error.message);
  process.exit(error.exitCode ?? 1);
}
