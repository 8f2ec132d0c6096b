#!/usr/bin/env node
// `npm run bench [-- <name>]`: build, bring up the local infrastructure, run benchmarks from bench/.
// Results are printed and written to docs/benchmarks.md (between the benchmark's markers).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from './lib/ensure-install.mjs';
import { build } from './lib/build.mjs';
import { run } from './lib/run.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.APOLLO_TELEMETRY_DISABLED = '1';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
try {
  await ensureInstalled(root);
  await build(root);
  const infra = await import(join(root, 'deploy', 'local', 'infra.mjs'));
  const { mongodbUri, kafkaBrokers } = await infra.up();
  process.env.MONGODB_URI ??= mongodbUri;
  process.env.KAFKA_BROKERS ??= kafkaBrokers;
  const dist = join(root, 'bench', 'dist');
  const wanted = process.argv[2];
  const benches = readdirSync(dist).filter((f) => f.endsWith('.bench.js') && (!wanted || f.startsWith(`${wanted}.`)));
  if (benches.length === 0) throw new Error(`no benchmark ${wanted ?? ''} in bench/src`);
  const failed = [];
  for (const b of benches) {
    console.log(`\n== ${b.replace('.bench.js', '')}`);
    // A benchmark that misses its goal (exit 4) or fails still lets the others run; the run fails at the end.
    try {
      await run(process.execPath, ['--expose-gc', join(dist, b)], { cwd: root });
    } catch (error) {
      console.error(error.message);
      failed.push(b.replace('.bench.js', ''));
    }
  }
  if (failed.length) {
    console.error(`benchmarks that failed or missed their goal: ${failed.join(', ')}`);
    process.exitCode = 4;
  }
} catch (error) {
  console.error(error.message);
  process.exit(error.exitCode ?? 1);
}
if (!existsSync(join(root, 'docs', 'benchmarks.md'))) console.log('(no docs/benchmarks.md written)');
