// Install dependencies when they are missing or older than the lockfile (fresh clone, pulled
// changes). Uses `npm ci` so the lockfile is the only source of versions.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';

export async function ensureInstalled(root) {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.creditbank-lock-hash');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) return false;
  console.log('installing dependencies (npm ci)…');
  await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root });
  writeFileSync(marker, `${hash}\n`);
  return true;
}
