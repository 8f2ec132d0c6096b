import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { ROOT } from './manifests';

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
}

/** Workspace package name → its directory (from the root package.json's workspace globs). */
export function workspacePackages(): Map<string, string> {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const out = new Map<string, string>();
  for (const pattern of root.workspaces ?? []) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(ROOT, pattern.slice(0, -2)))
          .map((d) => join(pattern.slice(0, -2), d))
          .filter((d) => statSync(join(ROOT, d)).isDirectory())
      : [pattern];
    for (const dir of dirs) {
      try {
        const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
        out.set(pkg.name, dir);
      } catch {
        // a directory without package.json is not a workspace
      }
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Bare module specifiers a TypeScript file loads at run time (type-only imports are erased). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const importFrom = /^\s*(import|export)\s+([^'"]*?)\s+from\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(importFrom)) {
    const clause = m[2]!.trim();
    if (/^type\b/.test(clause)) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause);
    if (braces && braces[1]!.split(',').every((s) => s.trim() === '' || /^type\b/.test(s.trim()))) continue;
    found.push(m[3]!);
  }
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found.filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));

/**
 * What the production image of a workspace loads, checked against what `npm ci --omit=dev
 * --workspace <it>` installs: every runtime import of its sources, and of the workspace packages it
 * depends on, must be a (non-dev) dependency of the package that imports it.
 */
export function productionDependencyProblems(workspaceDir: string): string[] {
  const workspaces = workspacePackages();
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
    const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    for (const file of sourceFiles(join(ROOT, dir, 'src'))) {
      for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
        if (isBuiltin(spec)) continue;
        const name = packageOf(spec);
        if (name === pkg.name) continue;
        if (!allowed.has(name)) problems.push(`${relative(ROOT, file)} loads ${name}, which is not in ${pkg.name}'s dependencies`);
        else if (workspaces.has(name)) visit(workspaces.get(name)!);
      }
    }
  };
  visit(workspaceDir);
  return problems;
}
