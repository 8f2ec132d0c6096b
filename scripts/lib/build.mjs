import { join } from 'node:path';
import { run } from './run.mjs';

/**
 * Type-check and compile every package (incremental), then compose the supergraph. With
 * `checkSupergraph` the committed supergraph must already be the composition (tests, CI);
 * otherwise it is (re)written (start, build).
 */
export async function build(root, { checkSupergraph = false } = {}) {
  const t0 = performance.now();
  await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.json'], { cwd: root });
  await run(process.execPath, [join(root, 'gateway', 'scripts', 'compose.mjs'), ...(checkSupergraph ? ['--check'] : [])], { cwd: root });
  console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
