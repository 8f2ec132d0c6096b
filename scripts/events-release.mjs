#!/usr/bin/env node
// Release event schemas: snapshot the data schema of every event type that has no snapshot yet into
// shared/contracts/released/<type>.json. Released snapshots are never overwritten; the compatibility
// test holds every later change to them (a breaking change needs a new .vN type).
//   npm run events:release                       (every unreleased type)
//   npm run events:release -- creditbank.account.v1  (only the types of these topics)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'shared/contracts'], {
  cwd: root,
  stdio: 'inherit',
});
const require = createRequire(join(root, 'shared', 'contracts', 'package.json'));
const { EVENT_CATALOG } = require('@creditbank/contracts');
const dir = join(root, 'shared', 'contracts', 'released');
mkdirSync(dir, { recursive: true });
const topics = process.argv.slice(2);
let added = 0;
for (const def of EVENT_CATALOG) {
  if (topics.length && !topics.includes(def.topic)) continue;
  const file = join(dir, `${def.type}.json`);
  if (existsSync(file)) continue;
  writeFileSync(
    file,
    `${JSON.stringify({ type: def.type, topic: def.topic, releasedAt: new Date().toISOString().slice(0, 10), data: JSON.parse(JSON.stringify(def.data)) }, null, 2)}\n`,
  );
  added++;
  console.log(`released ${def.type}`);
}
console.log(added ? `${added} event type(s) released` : 'nothing new to release');
