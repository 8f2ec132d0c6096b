import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './manifests';

/** The compiled entry point of a workspace (what the image runs: `node dist/main.js` in it). */
export function entryPoint(workspace: string): string {
  return join(ROOT, workspace, 'dist', 'main.js');
}

/**
 * Build once (`tsc -b`) when a compiled entry point is missing. `npm test` builds before jest, so
 * this only runs when the deploy tests are run on their own in a fresh clone. A directory lock keeps
 * two jest workers from building at the same time.
 */
export function ensureBuilt(workspaces: readonly string[]): void {
  if (workspaces.every((w) => existsSync(entryPoint(w)))) return;
  const lock = join(tmpdir(), 'creditbank-deploy-tests-build.lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than 5 minutes is stale.
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      execFileSync(process.execPath, ['-e', 'setTimeout(() => {}, 500)']);
    }
  }
  try {
    if (!workspaces.every((w) => existsSync(entryPoint(w)))) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.json'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    }
  } finally {
    rmdirSync(lock);
  }
}
