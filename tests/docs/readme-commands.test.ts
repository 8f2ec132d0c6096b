import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every command the README shows exists as written: npm scripts, `creditbank` subcommands (their
// --help runs), and the scripts `node` is pointed at (built files from their sources). `npm start` and
// `npm test` themselves run in CI (`.ci/run` is exactly `npm test`).
const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

it('names only npm scripts that exist', () => {
  const named = [...readme.matchAll(/npm (?:run ([\w:-]+)|(start|test)\b)/g)].map((m) => m[1] ?? m[2]!);
  expect(named.length).toBeGreaterThan(8);
  expect(named.filter((n) => !scripts.includes(n))).toEqual([]);
  expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^\s*npm test\s*$/m);
});

it('names only creditbank commands that exist, and each has --help', () => {
  const commands = [...new Set([...readme.matchAll(/npx creditbank ([a-z-]+)(?: ([a-z-]+))?/g)].map((m) => m[1]!))];
  expect(commands.length).toBeGreaterThan(2);
  const { program } = require('@creditbank/cli') as typeof import('@creditbank/cli');
  const known = program(() => undefined).commands.map((c) => c.name());
  expect(commands.filter((c) => c !== '--help' && !known.includes(c))).toEqual([]);
});

it('points node only at scripts that are built from sources in the repository', () => {
  const paths = [...readme.matchAll(/node ([\w./-]+\.(?:m?js))/g)].map((m) => m[1]!);
  expect(paths.length).toBeGreaterThan(0);
  for (const p of paths) {
    const source = p.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
    expect([p, source].some((f) => existsSync(join(root, f)))).toBe(true);
  }
});

it('the creditbank binary answers --help', () => {
  const out = execFileSync(process.execPath, [join(root, 'tools', 'cli', 'bin', 'creditbank.js'), '--help'], { encoding: 'utf8' });
  for (const c of ['events', 'import', 'tokens', 'seed']) expect(out).toContain(c);
});
