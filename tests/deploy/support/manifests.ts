import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';

/** A label selector (matchLabels / matchExpressions). */
export type LabelSelector = NonNullable<IDeployment['spec']>['selector'];

/** The repository root (tests/deploy/support → ../../..). */
export const ROOT = join(__dirname, '..', '..', '..');
export const K8S = join(ROOT, 'k8s');

/** kubectl with kustomize v5 is on the machine (see the issue); the path may be overridden. */
export const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

/** A rendered Kubernetes object, as plain data. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Every overlay under k8s/overlays (a new overlay is picked up without touching the tests). */
export function overlays(): string[] {
  const dir = join(K8S, 'overlays');
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/**
 * `kubectl kustomize` of a directory. The supergraph ConfigMap is generated from
 * gateway/supergraph.graphql, outside k8s/, hence LoadRestrictionsNone (k8s/README.md).
 */
export function renderDir(dir: string): K8sObject[] {
  const out = execFileSync(KUBECTL, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) throw new Error(`unparseable kustomize output: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value) objects.push(value);
  }
  return objects;
}

const cache = new Map<string, K8sObject[]>();

/** A digest of everything a render depends on: every file under k8s/, the supergraph, kubectl itself. */
function inputsDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else hash.update(`${p}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(K8S);
  hash.update(readFileSync(join(ROOT, 'gateway', 'supergraph.graphql')));
  try {
    const kubectl = execFileSync('which', [KUBECTL], { encoding: 'utf8' }).trim();
    const st = statSync(kubectl);
    hash.update(`${kubectl}:${st.size}:${st.mtimeMs}`);
  } catch {
    hash.update(KUBECTL);
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The rendered overlay (do not mutate it: clone first). Memoised per test file, and shared between
 * test files (each runs in its own module registry) through a file keyed by the digest of every
 * input, so any change renders afresh. manifests-schema.test.ts renders every overlay with kubectl
 * on every run regardless, and compares.
 */
export function render(overlay: string): K8sObject[] {
  let objects = cache.get(overlay);
  if (!objects) {
    const digest = inputsDigest();
    const file = join(tmpdir(), `creditbank-kustomize-${digest}-${overlay}.json`);
    if (existsSync(file)) {
      objects = JSON.parse(readFileSync(file, 'utf8')) as K8sObject[];
    } else {
      objects = renderDir(join(K8S, 'overlays', overlay));
      // Renders of earlier inputs are of no use any more.
      for (const old of readdirSync(tmpdir()).filter((f) => f.startsWith('creditbank-kustomize-') && !f.includes(digest))) {
        rmSync(join(tmpdir(), old), { force: true });
      }
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, JSON.stringify(objects));
      renameSync(partial, file);
    }
    cache.set(overlay, objects);
  }
  return objects;
}

export function ofKind<T = K8sObject>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as unknown as T[];
}

export function named<T = K8sObject>(objects: readonly K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as unknown as T;
}

/** Objects that run pods, with their pod template. */
export interface Workload {
  kind: string;
  name: string;
  labels: Record<string, string>;
  template: IPodTemplateSpec;
  object: K8sObject;
}

export function workloads(objects: readonly K8sObject[]): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
      const spec = (o as unknown as IDeployment | IStatefulSet).spec!;
      out.push({ kind: o.kind, name: o.metadata.name, labels: o.metadata.labels ?? {}, template: spec.template, object: o });
    } else if (['DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet'].includes(o.kind)) {
      throw new Error(`unexpected workload kind ${o.kind} ${o.metadata.name}: extend the deploy tests`);
    }
  }
  return out;
}

/** The six subgraphs and the gateway (labelled part-of=creditbank, component subgraph|gateway). */
export function appDeployments(objects: readonly K8sObject[]): Workload[] {
  return workloads(objects).filter(
    (w) =>
      w.kind === 'Deployment' &&
      w.labels['app.kubernetes.io/part-of'] === 'creditbank' &&
      ['subgraph', 'gateway'].includes(w.labels['app.kubernetes.io/component'] ?? ''),
  );
}

export function appContainer(w: Workload): IContainer {
  const containers = w.template.spec?.containers ?? [];
  if (containers.length !== 1) throw new Error(`${w.name}: expected exactly one container`);
  return containers[0]!;
}

/** matchLabels/matchExpressions semantics of a label selector. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  }
  return true;
}

/** A literal value or a reference into a ConfigMap/Secret (after envFrom and env are combined). */
export type EnvSource =
  | { from: 'value'; value: string }
  | { from: 'configMap'; name: string; key: string; value: string | undefined }
  | { from: 'secret'; name: string; key: string }
  | { from: 'field'; path: string };

/**
 * The environment a container gets, as Kubernetes builds it: envFrom sources in order, then env
 * entries (later wins), `$(VAR)` expanded in literal values. ConfigMaps are resolved from the render.
 */
export function containerEnv(objects: readonly K8sObject[], container: IContainer): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  const configMap = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as IConfigMap | undefined;
  const secret = (name: string) => objects.find((o) => o.kind === 'Secret' && o.metadata.name === name) as ISecret | undefined;
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const cm = configMap(source.configMapRef.name!);
      if (!cm) throw new Error(`envFrom: no ConfigMap ${source.configMapRef.name}`);
      for (const [key, value] of Object.entries(cm.data ?? {}))
        env.set((source.prefix ?? '') + key, { from: 'configMap', name: cm.metadata!.name!, key, value });
    } else if (source.secretRef) {
      const s = secret(source.secretRef.name!);
      const keys = s ? Object.keys({ ...(s.data ?? {}), ...(s.stringData ?? {}) }) : [];
      if (keys.length === 0) throw new Error(`envFrom secretRef ${source.secretRef.name}: keys unknown offline; use secretKeyRef`);
      for (const key of keys) env.set((source.prefix ?? '') + key, { from: 'secret', name: source.secretRef.name!, key });
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      env.set(e.name, { from: 'configMap', name: ref.name!, key: ref.key, value: configMap(ref.name!)?.data?.[ref.key] });
    } else if (e.valueFrom?.secretKeyRef) {
      env.set(e.name, { from: 'secret', name: e.valueFrom.secretKeyRef.name!, key: e.valueFrom.secretKeyRef.key });
    } else if (e.valueFrom?.fieldRef) {
      env.set(e.name, { from: 'field', path: e.valueFrom.fieldRef.fieldPath });
    } else if (e.valueFrom) {
      throw new Error(`${e.name}: unsupported valueFrom`);
    } else {
      const value = (e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => {
        const ref = env.get(name);
        return ref && (ref.from === 'value' || ref.from === 'configMap') && ref.value !== undefined ? ref.value : whole;
      });
      env.set(e.name, { from: 'value', value });
    }
  }
  return env;
}

/** The plain value of a variable when it does not come from a Secret. */
export function plainValue(source: EnvSource | undefined): string | undefined {
  if (!source) return undefined;
  if (source.from === 'value') return source.value;
  if (source.from === 'configMap') return source.value;
  return undefined;
}

/** Kubernetes quantity → bytes (memory) or cores (cpu). */
export function quantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(q);
  if (!m) throw new Error(`bad quantity ${q}`);
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const factor: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return n * factor[unit]!;
}
