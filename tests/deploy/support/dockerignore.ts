import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The .dockerignore rules of the build context (Docker's semantics: patterns relative to the context
 * root, `*` and `?` within a path segment, `**` across segments, a pattern that matches a directory
 * excludes what is below it, `!` re-includes, the last matching rule wins).
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      const re = pattern
        .split('/')
        .map((seg) =>
          seg === '**'
            ? '.*'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negate, re: new RegExp(`^${re}(?:/.*)?$`) };
    });
  /** true when the path is sent to the builder. */
  return (path: string) => {
    let included = true;
    for (const r of rules) if (r.re.test(path)) included = r.negate;
    return included;
  };
}

/** Files of a directory tree, relative; skips node_modules, .git and .local (large, and ignored by the rules). */
export function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.git' || (dir === '' && e.name === '.local')) continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

export function readDockerignore(root: string): (path: string) => boolean {
  return dockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
}
