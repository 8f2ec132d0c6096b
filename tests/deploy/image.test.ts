/**
 * deploy/Dockerfile and .dockerignore, checked without a Docker engine: dockerfilelint, then the
 * image policy (multi-stage, npm ci, production dependencies of one workspace, Node 24 LTS slim,
 * non-root fixed UID shared with the manifests, an init as PID 1, exec-form commands,
 * NODE_ENV=production, a health check on the real endpoint), the build context, and whether the
 * production dependencies of each workspace cover what its code loads.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { run as dockerfilelint } from 'dockerfilelint';
import { SERVICE_NAMES } from '@creditbank/config';
import { ROOT, appContainer, appDeployments, containerEnv, plainValue, render } from './support/manifests';
import { listFiles, readDockerignore } from './support/dockerignore';
import { productionDependencyProblems, workspacePackages } from './support/source-deps';

const DOCKERFILE = join(ROOT, 'deploy', 'Dockerfile');
const text = readFileSync(DOCKERFILE, 'utf8');

interface Instruction {
  line: number;
  cmd: string;
  args: string;
}

/** Instructions with continuation lines joined, grouped by stage (FROM starts one). */
function parseDockerfile(source: string): Instruction[][] {
  const stages: Instruction[][] = [];
  let pending = '';
  let start = 0;
  source.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (line.startsWith('#')) return; // a comment inside a continued instruction
    if (!pending) start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const cmd = full.split(/\s+/, 1)[0]!.toUpperCase();
    const args = full.slice(cmd.length).trim();
    if (cmd === 'FROM') stages.push([]);
    if (stages.length === 0) throw new Error(`line ${start}: ${cmd} before FROM`);
    stages[stages.length - 1]!.push({ line: start, cmd, args });
  });
  return stages;
}

const stages = parseDockerfile(text);
const final = stages[stages.length - 1]!;
const all = stages.flat();
const lastOf = (list: Instruction[], cmd: string) => [...list].reverse().find((i) => i.cmd === cmd);
const stageNamed = (name: string) => stages.find((s) => new RegExp(`\\bAS\\s+${name}$`, 'i').test(s[0]!.args))!;
const execForm = (args: string): string[] => {
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error(`not exec form: ${args}`);
  return parsed as string[];
};

describe('deploy/Dockerfile', () => {
  it('passes dockerfilelint', () => {
    expect(dockerfilelint(join(ROOT, 'deploy'), text)).toEqual([]);
  });

  it('is multi-stage and every stage starts from Node 24 LTS, slim (or distroless), with a fixed tag', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const s of stages) {
      const image = s[0]!.args.split(/\s+/)[0]!;
      expect(image).toMatch(/^(node:24[.\d]*-[a-z]+-slim|gcr\.io\/distroless\/nodejs24[-a-z0-9]*:[a-z0-9-]+)(@sha256:[0-9a-f]{64})?$/);
    }
    expect(all.filter((i) => i.cmd === 'ADD')).toEqual([]);
  });

  it('is parameterised by SERVICE, which names a subgraph under services/ or the gateway', () => {
    for (const s of stages.slice(1)) expect(s.some((i) => i.cmd === 'ARG' && /^SERVICE\b/.test(i.args))).toBe(true);
    const accepted = [...SERVICE_NAMES.map((n) => `services/${n}`), 'gateway'];
    for (const ws of accepted) expect(existsSync(join(ROOT, ws, 'tsconfig.json'))).toBe(true);
    expect(text).toContain('if [ "${SERVICE}" = gateway ]; then ws=gateway; else ws="services/${SERVICE}"; fi');
  });

  it('installs with npm ci, compiles with tsc -b, and keeps only that workspace’s production dependencies', () => {
    const build = stageNamed('build')
      .filter((i) => i.cmd === 'RUN')
      .map((i) => i.args);
    expect(build.some((r) => /\bnpm ci\b/.test(r) && /--ignore-scripts/.test(r))).toBe(true);
    expect(build.some((r) => /\bnpx tsc -b "\$\{ws\}"/.test(r))).toBe(true);
    expect(build.some((r) => /compose\.mjs --check/.test(r))).toBe(true); // the gateway's supergraph is not stale
    const prod = stageNamed('prod')
      .filter((i) => i.cmd === 'RUN')
      .map((i) => i.args);
    expect(
      prod.some((r) => /\bnpm ci\b/.test(r) && /--omit=dev/.test(r) && /--workspace "\$\{ws\}"/.test(r) && /--ignore-scripts/.test(r)),
    ).toBe(true);
    // The runtime copies the production tree only, never the build stage's node_modules.
    const copies = final.filter((i) => i.cmd === 'COPY').map((i) => i.args);
    expect(copies).toEqual([expect.stringMatching(/^--from=prod\b/)]);
  });

  it('runs as the fixed non-root UID the Kubernetes manifests use', () => {
    const user = lastOf(final, 'USER')!.args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    for (const overlay of ['dev', 'production']) {
      for (const w of appDeployments(render(overlay))) {
        expect(w.template.spec!.securityContext!.runAsUser).toBe(uid);
        expect(w.template.spec!.securityContext!.runAsGroup).toBe(gid ?? uid);
      }
    }
    expect(text).toMatch(new RegExp(`useradd [^\\n]*--uid ${uid}\\b`));
  });

  it('has an init as PID 1 and exec-form ENTRYPOINT and CMD', () => {
    const entrypoint = execForm(lastOf(final, 'ENTRYPOINT')!.args);
    expect(entrypoint[0]).toMatch(/\/(tini|dumb-init)$/);
    expect(final.some((i) => i.cmd === 'RUN' && /apt-get install -y --no-install-recommends tini\b/.test(i.args))).toBe(true);
    expect(execForm(lastOf(final, 'CMD')!.args)).toEqual(['node', 'dist/main.js']);
    expect(lastOf(final, 'WORKDIR')!.args).toBe('/app/workload');
    expect(text).toContain('ln -s "${ws}" /out/workload');
  });

  it('sets NODE_ENV=production and listens on the port the manifests probe', () => {
    const env = final
      .filter((i) => i.cmd === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    const port = /\bPORT=(\d+)\b/.exec(env)![1]!;
    expect(lastOf(final, 'EXPOSE')!.args).toBe(port);
    for (const w of appDeployments(render('production'))) {
      const c = appContainer(w);
      expect(c.ports!.map((p) => p.containerPort)).toEqual([Number(port)]);
      expect(plainValue(containerEnv(render('production'), c).get('PORT'))).toBe(port);
    }
  });

  it('has a health check on /healthz (exec form, no shell needed)', () => {
    const hc = lastOf(final, 'HEALTHCHECK')!.args;
    const cmd = execForm(hc.slice(hc.indexOf('CMD') + 3).trim());
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).toMatch(/\/healthz/);
  });

  it('installs the font the outcome service prints certificates with, where it expects it', () => {
    const env = readFileSync(join(ROOT, 'services', 'outcome', 'src', 'env.ts'), 'utf8');
    const font = /CERT_FONT_FILE:[^\n]*\.default\('([^']+)'\)/.exec(env)?.[1];
    if (!font) return; // no printable certificates (yet)
    // Debian's fonts-wqy-microhei ships /usr/share/fonts/truetype/wqy/wqy-microhei.ttc (CJK and Latin).
    expect(font).toBe('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc');
    expect(text).toContain(`if [ "\${SERVICE}" = outcome ]; then extra='fonts-wqy-microhei'; fi`);
    expect(final.some((i) => i.cmd === 'RUN' && /apt-get install -y --no-install-recommends tini \$\{extra\}/.test(i.args))).toBe(true);
  });

  it('ships no package manager in the runtime image', () => {
    const runs = final
      .filter((i) => i.cmd === 'RUN')
      .map((i) => i.args)
      .join(' ');
    for (const p of ['/usr/local/lib/node_modules/npm', '/usr/local/bin/npx', '/usr/local/lib/node_modules/corepack'])
      expect(runs).toContain(p);
    expect(runs).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
  });
});

describe('the build context (.dockerignore)', () => {
  const included = readDockerignore(ROOT);
  const files = listFiles(ROOT);

  it('sends the sources, the schemas, every workspace manifest and the lockfile', () => {
    const needed = files.filter(
      (f) =>
        /^(shared|services)\/[^/]+\/src\/.+\.(ts|graphql|json)$/.test(f) ||
        /^gateway\/src\//.test(f) ||
        /^(shared|services)\/[^/]+\/tsconfig\.json$/.test(f),
    );
    expect(needed.length).toBeGreaterThan(50);
    const required = [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.base.json',
      'gateway/tsconfig.json',
      'gateway/supergraph.graphql',
      'gateway/scripts/compose.mjs',
      ...[...workspacePackages().values()].map((dir) => `${dir}/package.json`),
      ...needed.filter((f) => !/\.(spec|test)\.ts$/.test(f)),
    ];
    expect(required.filter((f) => !included(f))).toEqual([]);
  });

  it('leaves out dependencies, build output, local state, secrets and the test suites', () => {
    for (const f of [
      'node_modules/express/package.json',
      'services/account/node_modules/x/index.js',
      'services/account/dist/main.js',
      'gateway/dist/main.js',
      '.git/HEAD',
      '.local/infra.env',
      '.env',
      'services/account/.env.production',
      'tests/e2e/walking-skeleton.test.ts',
      'services/account/test/harness.ts',
      'k8s/base/kustomization.yaml',
    ]) {
      expect(`${f}: ${included(f)}`).toBe(`${f}: false`);
    }
    expect(included('tests/package.json')).toBe(true);
  });
});

describe('production dependencies', () => {
  it.each([...SERVICE_NAMES.map((n) => `services/${n}`), 'gateway'])('cover everything %s loads at run time', (ws) => {
    expect(productionDependencyProblems(ws)).toEqual([]);
  });

  it('the check itself notices a runtime import of a dev dependency', () => {
    const { runtimeImports } = jest.requireActual<typeof import('./support/source-deps')>('./support/source-deps');
    expect(
      runtimeImports(
        [
          "import { a } from 'dev-only';",
          "import type { T } from 'types-only';",
          "import { type T } from 'also-types';",
          "export { b } from '@scope/pkg/sub';",
          "const c = require('required');",
          "import './relative';",
        ].join('\n'),
      ),
    ).toEqual(['dev-only', '@scope/pkg/sub', 'required']);
  });

  it('knows every service directory', () => {
    expect(readdirSync(join(ROOT, 'services')).sort()).toEqual([...SERVICE_NAMES].sort());
  });
});
