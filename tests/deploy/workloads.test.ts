/**
 * Policy checks on the rendered overlays: the hardening checklist for every workload, selectors,
 * references, probes against the code, autoscaling against Kafka partitions, images, config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMED_TOPICS, type Service } from '@creditbank/contracts';
import { SERVICE_NAMES, loadEnv, serviceEnvSchema } from '@creditbank/config';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import {
  ROOT,
  appContainer,
  appDeployments,
  containerEnv,
  named,
  ofKind,
  overlays,
  plainValue,
  quantity,
  render,
  selects,
  workloads,
  type K8sObject,
  type Workload,
} from './support/manifests';

const OVERLAYS = overlays();
const APP_UID = 10001;

interface KafkaTopicObject extends K8sObject {
  spec: { topicName?: string; partitions: number };
}
interface KafkaUserObject extends K8sObject {
  spec: { authentication: { type: string } };
}
interface KafkaObject extends K8sObject {
  spec: { kafka: { listeners: Array<{ name: string; port: number; tls: boolean; authentication?: { type: string } }> } };
}

const env = (objects: K8sObject[], w: Workload) => containerEnv(objects, appContainer(w));
const envValue = (objects: K8sObject[], w: Workload, name: string) => plainValue(env(objects, w).get(name));

/** A probe's port → the container port it names (or is). */
function probePort(container: IContainer, probe: IProbe): number {
  const port = probe.httpGet?.port;
  if (typeof port === 'number') return port;
  const found = (container.ports ?? []).find((p) => p.name === port);
  if (!found) throw new Error(`probe port ${String(port)} is not a container port`);
  return found.containerPort;
}

/** Strimzi writes these Secrets itself: kafka-user-<KafkaUser> (userOperator secretPrefix) and <cluster>-cluster-ca-cert. */
function operatorSecrets(objects: K8sObject[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const kafka = ofKind<K8sObject & { spec: { entityOperator?: { userOperator?: { secretPrefix?: string } } } }>(objects, 'Kafka');
  for (const k of kafka) {
    out.set(`${k.metadata.name}-cluster-ca-cert`, ['ca.crt', 'ca.p12', 'ca.password']);
    const prefix = k.spec.entityOperator?.userOperator?.secretPrefix ?? '';
    for (const u of ofKind<KafkaUserObject>(objects, 'KafkaUser')) {
      if (u.metadata.labels?.['strimzi.io/cluster'] !== k.metadata.name) continue;
      out.set(
        `${prefix}${u.metadata.name}`,
        u.spec.authentication.type === 'scram-sha-512' ? ['password', 'sasl.jaas.config'] : ['user.crt', 'user.key'],
      );
    }
  }
  return out;
}

/** The keys of a rendered Secret, found by name or by its kustomize-hashed name. */
function renderedSecretKeys(objects: K8sObject[], name: string): string[] | undefined {
  const s = ofKind<ISecret & K8sObject>(objects, 'Secret').find(
    (o) => o.metadata.name === name || new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9]{10}$`).test(o.metadata.name),
  );
  return s ? Object.keys({ ...(s.data ?? {}), ...(s.stringData ?? {}) }) : undefined;
}

/** Every Secret a pod template references, with the keys it needs (undefined: the whole Secret). */
function secretRefs(w: Workload): Array<{ name: string; key?: string }> {
  const refs: Array<{ name: string; key?: string }> = [];
  const spec = w.template.spec!;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const e of c.env ?? [])
      if (e.valueFrom?.secretKeyRef) refs.push({ name: e.valueFrom.secretKeyRef.name!, key: e.valueFrom.secretKeyRef.key });
    for (const e of c.envFrom ?? []) if (e.secretRef) refs.push({ name: e.secretRef.name! });
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret) {
      if (v.secret.items?.length) for (const i of v.secret.items) refs.push({ name: v.secret.secretName!, key: i.key });
      else refs.push({ name: v.secret.secretName! });
    }
  }
  return refs;
}

function configMapRefs(w: Workload): Array<{ name: string; key?: string }> {
  const refs: Array<{ name: string; key?: string }> = [];
  const spec = w.template.spec!;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const e of c.env ?? [])
      if (e.valueFrom?.configMapKeyRef) refs.push({ name: e.valueFrom.configMapKeyRef.name!, key: e.valueFrom.configMapKeyRef.key });
    for (const e of c.envFrom ?? []) if (e.configMapRef) refs.push({ name: e.configMapRef.name! });
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap) {
      if (v.configMap.items?.length) for (const i of v.configMap.items) refs.push({ name: v.configMap.name!, key: i.key });
      else refs.push({ name: v.configMap.name! });
    }
  }
  return refs;
}

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = render(overlay);
  const apps = appDeployments(objects);
  const subgraphs = apps.filter((w) => w.labels['app.kubernetes.io/component'] === 'subgraph');
  const gateway = apps.find((w) => w.labels['app.kubernetes.io/component'] === 'gateway');

  it('runs one Deployment per subgraph of the code and the gateway', () => {
    expect(subgraphs.map((w) => w.name).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(gateway?.name).toBe('gateway');
  });

  describe.each(appDeployments(objects).map((w) => [w.name, w] as const))('%s', (_name, w) => {
    const c = appContainer(w);
    const spec = w.template.spec!;
    const deployment = w.object as K8sObject & {
      spec: {
        replicas?: number;
        strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
        selector: { matchLabels?: Record<string, string> };
      };
    };

    it('rolls out without losing capacity, and leaves the replica count to its autoscaler', () => {
      expect(deployment.spec.strategy?.type).toBe('RollingUpdate');
      expect(deployment.spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
      expect(deployment.spec.replicas).toBeUndefined();
      expect(selects(deployment.spec.selector, w.template.metadata?.labels ?? {})).toBe(true);
    });

    it('runs as a fixed non-root user with seccomp RuntimeDefault, without a service account token', () => {
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: APP_UID,
        runAsGroup: APP_UID,
        fsGroup: APP_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.automountServiceAccountToken).toBe(false);
      const sa = named<IServiceAccount & K8sObject>(objects, 'ServiceAccount', spec.serviceAccountName!);
      expect(sa.automountServiceAccountToken).toBe(false);
    });

    it('hardens the container: read-only root, no privilege escalation, every capability dropped', () => {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        privileged: false,
      });
      expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
      expect(c.securityContext?.capabilities?.add ?? []).toEqual([]);
      expect(c.securityContext?.runAsUser ?? APP_UID).toBe(APP_UID);
    });

    it('has a writable /tmp from an emptyDir and nothing else writable', () => {
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      expect(spec.volumes?.find((v) => v.name === tmp!.name)?.emptyDir).toBeDefined();
      for (const m of c.volumeMounts ?? []) {
        const v = spec.volumes?.find((x) => x.name === m.name);
        expect(v).toBeDefined();
        if (!v!.emptyDir) expect(`${m.mountPath} readOnly=${m.readOnly}`).toBe(`${m.mountPath} readOnly=true`);
      }
    });

    it('probes the real endpoints on its HTTP port: startup and liveness /healthz, readiness /readyz', () => {
      const port = Number(envValue(objects, w, 'PORT'));
      expect(c.ports?.map((p) => [p.name, p.containerPort])).toEqual([['http', port]]);
      expect(c.startupProbe?.httpGet?.path).toBe('/healthz');
      expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
      for (const p of [c.startupProbe!, c.livenessProbe!, c.readinessProbe!]) expect(probePort(c, p)).toBe(port);
      // The startup probe gives a slow start (Mongo indexes, Kafka group join) a minute at least.
      expect((c.startupProbe!.periodSeconds ?? 10) * (c.startupProbe!.failureThreshold ?? 3)).toBeGreaterThanOrEqual(60);
      expect(envValue(objects, w, 'HOST')).toBe('0.0.0.0');
    });

    it('requests CPU and memory, limits memory, and sizes the V8 heap to fit the limit', () => {
      expect(c.resources?.requests?.['cpu']).toBeDefined();
      expect(c.resources?.requests?.['memory']).toBeDefined();
      const limit = quantity(c.resources!.limits!['memory']!);
      expect(quantity(c.resources!.requests!['memory']!)).toBeLessThanOrEqual(limit);
      const options = envValue(objects, w, 'NODE_OPTIONS') ?? '';
      const heap = /--max-old-space-size=(\d+)/.exec(options);
      expect(heap).not.toBeNull();
      const ratio = (Number(heap![1]) * 2 ** 20) / limit;
      expect(ratio).toBeGreaterThanOrEqual(0.5);
      expect(ratio).toBeLessThanOrEqual(0.8);
    });

    it('drains on SIGTERM within the grace period: preStop sleep + SHUTDOWN_TIMEOUT_MS < terminationGracePeriodSeconds', () => {
      const preStop = c.lifecycle?.preStop?.sleep?.seconds;
      expect(preStop).toBeGreaterThanOrEqual(3);
      const drainMs = Number(envValue(objects, w, 'SHUTDOWN_TIMEOUT_MS'));
      expect(drainMs).toBeGreaterThan(0);
      expect(spec.terminationGracePeriodSeconds!).toBeGreaterThanOrEqual(preStop! + drainMs / 1000 + 5);
    });

    it('spreads replicas over zones and nodes, counting only its own pods', () => {
      const keys = (spec.topologySpreadConstraints ?? []).map((t) => t.topologyKey).sort();
      expect(keys).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const t of spec.topologySpreadConstraints!) {
        expect(selects(t.labelSelector, w.template.metadata!.labels!)).toBe(true);
        expect(t.matchLabelKeys).toEqual(expect.arrayContaining(['app.kubernetes.io/name', 'pod-template-hash']));
      }
    });

    it('runs in production mode', () => {
      expect(envValue(objects, w, 'NODE_ENV')).toBe('production');
    });

    it('has a Service, a PodDisruptionBudget and a HorizontalPodAutoscaler that select exactly its pods', () => {
      const labels = w.template.metadata!.labels!;
      const selectingOthers = (sel: Parameters<typeof selects>[0]) =>
        apps.filter((o) => o.name !== w.name && selects(sel, o.template.metadata!.labels!));
      const svc = named<IService & K8sObject>(objects, 'Service', w.name);
      expect(selects({ matchLabels: svc.spec!.selector }, labels)).toBe(true);
      expect(selectingOthers({ matchLabels: svc.spec!.selector })).toEqual([]);
      for (const p of svc.spec!.ports!) expect(c.ports!.map((x) => x.name)).toContain(p.targetPort);
      const pdb = named<IPodDisruptionBudget & K8sObject>(objects, 'PodDisruptionBudget', w.name);
      expect(selects(pdb.spec!.selector, labels)).toBe(true);
      expect(selectingOthers(pdb.spec!.selector)).toEqual([]);
      expect(pdb.spec!.maxUnavailable ?? pdb.spec!.minAvailable).toBeDefined();
      const hpa = named<IHorizontalPodAutoscaler & K8sObject>(objects, 'HorizontalPodAutoscaler', w.name);
      expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: w.name });
      expect(hpa.spec!.minReplicas!).toBeLessThanOrEqual(hpa.spec!.maxReplicas);
      if (overlay === 'production') expect(hpa.spec!.minReplicas!).toBeGreaterThanOrEqual(2);
    });

    it('references only ConfigMaps that exist, with the keys it reads', () => {
      for (const ref of configMapRefs(w)) {
        const cm = named<IConfigMap & K8sObject>(objects, 'ConfigMap', ref.name);
        if (ref.key) expect(Object.keys({ ...cm.data, ...cm.binaryData })).toContain(ref.key);
      }
    });

    it('references only Secrets that exist, are generated by the Kafka operator, or (production) come from the secret store with the shape the dev overlay defines', () => {
      const generated = operatorSecrets(objects);
      const dev = render('dev');
      for (const ref of secretRefs(w)) {
        const where = `${w.name} → Secret ${ref.name}${ref.key ? `/${ref.key}` : ''}`;
        const keys =
          renderedSecretKeys(objects, ref.name) ??
          generated.get(ref.name) ??
          (overlay === 'production' ? renderedSecretKeys(dev, ref.name) : undefined);
        expect(keys ? where : `${where}: not found`).toBe(where);
        if (ref.key) expect(keys).toContain(ref.key);
      }
    });

    if (overlay === 'production') {
      it('pins its image by digest', () => {
        expect(c.image).toMatch(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9/._-]+@sha256:[0-9a-f]{64}$/);
      });
    }
    it('never uses a floating :latest tag', () => {
      expect(c.image).not.toMatch(/:latest(@|$)/);
      expect(c.image).toMatch(/[:@]/);
    });
  });

  it('gives every subgraph its own database (the name the service uses by default) and its own credentials', () => {
    const dbs = new Set<string>();
    const uris = new Set<string>();
    for (const w of subgraphs) {
      const expected = loadEnv(serviceEnvSchema(w.name as (typeof SERVICE_NAMES)[number]), { JWT_JWKS: '{}' }).MONGODB_DB;
      expect(envValue(objects, w, 'MONGODB_DB')).toBe(expected);
      dbs.add(expected);
      const uri = env(objects, w).get('MONGODB_URI');
      expect(uri?.from).toBe('secret');
      uris.add(uri!.from === 'secret' ? uri!.name : '');
    }
    expect(dbs.size).toBe(subgraphs.length);
    expect(uris.size).toBe(subgraphs.length);
  });

  it('connects every subgraph to the Strimzi bootstrap on the TLS listener, as its own Kafka user, with topics managed by KafkaTopic resources', () => {
    const kafka = ofKind<KafkaObject>(objects, 'Kafka')[0]!;
    const tls = kafka.spec.kafka.listeners.find((l) => l.tls && l.authentication?.type === 'scram-sha-512')!;
    for (const w of subgraphs) {
      expect(envValue(objects, w, 'KAFKA_BROKERS')).toBe(`${kafka.metadata.name}-kafka-bootstrap:${tls.port}`);
      expect(envValue(objects, w, 'KAFKA_CREATE_TOPICS')).toBe('false');
      expect(envValue(objects, w, 'KAFKA_TOPIC_PREFIX')).toBe('');
      expect(envValue(objects, w, 'KAFKA_SASL_USERNAME')).toBe(w.name);
      named<KafkaUserObject>(objects, 'KafkaUser', w.name);
      expect(env(objects, w).get('KAFKA_SASL_PASSWORD')).toMatchObject({ from: 'secret', name: `kafka-user-${w.name}`, key: 'password' });
    }
  });

  it('caps each consumer autoscaler at the partitions of every topic it consumes', () => {
    const partitions = new Map(
      ofKind<KafkaTopicObject>(objects, 'KafkaTopic').map((t) => [t.spec.topicName ?? t.metadata.name, t.spec.partitions]),
    );
    for (const w of subgraphs) {
      const consumed = CONSUMED_TOPICS[w.name as Service];
      expect(consumed.length).toBeGreaterThan(0);
      const ceiling = Math.min(...consumed.map((t) => partitions.get(t)!));
      const hpa = named<IHorizontalPodAutoscaler & K8sObject>(objects, 'HorizontalPodAutoscaler', w.name);
      expect(`${w.name} max ${hpa.spec!.maxReplicas}`).toBe(`${w.name} max ${Math.min(hpa.spec!.maxReplicas, ceiling)}`);
    }
  });

  it('points the gateway at every subgraph through its Service', () => {
    const gatewayEnv = readFileSync(join(ROOT, 'gateway', 'src', 'env.ts'), 'utf8');
    expect(gatewayEnv).toContain("`SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`");
    for (const name of SERVICE_NAMES) {
      const raw = envValue(objects, gateway!, `SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`);
      expect(raw).toBeDefined();
      const url = new URL(raw!);
      expect(url.pathname).toBe('/graphql');
      const svc = named<IService & K8sObject>(objects, 'Service', url.hostname);
      const port = Number(url.port || 80);
      expect(svc.spec!.ports!.map((p) => p.port)).toContain(port);
      const target = subgraphs.find((w) => w.name === name)!;
      expect(selects({ matchLabels: svc.spec!.selector }, target.template.metadata!.labels!)).toBe(true);
    }
    expect(envValue(objects, gateway!, 'SUPERGRAPH_FILE')).toMatch(/^\/etc\/creditbank\/supergraph\//);
  });

  it('lists the provincial front-ends as exact CORS origins', () => {
    const origins = (envValue(objects, gateway!, 'CORS_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    expect(new Set(origins).size).toBe(origins.length);
    for (const o of origins) {
      const url = new URL(o);
      expect(url.origin).toBe(o); // scheme://host[:port], no path, no wildcard
      if (overlay === 'production') {
        expect(url.protocol).toBe('https:');
        expect(url.hostname).not.toMatch(/^(localhost|127\.)/);
      }
    }
    if (overlay === 'production') expect(origins.length).toBeGreaterThan(0);
    expect(envValue(objects, gateway!, 'INTROSPECTION')).toBe(overlay === 'production' ? 'false' : 'true');
  });

  it('exposes only the gateway through the Ingress: /graphql and its public key and certificate routes', () => {
    const ingresses = ofKind<IIngress & K8sObject>(objects, 'Ingress');
    expect(ingresses).toHaveLength(1);
    const ing = ingresses[0]!;
    for (const rule of ing.spec!.rules!) {
      expect(rule.host).toBeTruthy();
      expect(rule.http!.paths.map((p) => p.path)).toContain('/graphql');
      for (const p of rule.http!.paths) {
        expect([
          ['/graphql', 'Exact'],
          ['/.well-known/', 'Prefix'],
          ['/certificates/', 'Prefix'],
        ]).toContainEqual([p.path, p.pathType]);
        const svc = named<IService & K8sObject>(objects, 'Service', p.backend.service!.name);
        expect(svc.spec!.ports!.map((x) => x.name)).toContain(p.backend.service!.port!.name);
        expect(selects({ matchLabels: svc.spec!.selector }, gateway!.template.metadata!.labels!)).toBe(true);
      }
    }
    if (overlay === 'production') {
      expect(ing.spec!.tls?.[0]?.hosts).toEqual(ing.spec!.rules!.map((r) => r.host));
      expect(ing.metadata!.annotations?.['cert-manager.io/cluster-issuer']).toBeTruthy();
      // The outer rate limit per client address, under the gateway's per-token one (RATE_LIMIT_PER_MINUTE).
      expect(Number(ing.metadata!.annotations?.['nginx.ingress.kubernetes.io/limit-rpm'])).toBeGreaterThan(0);
      expect(Number(envValue(objects, gateway!, 'RATE_LIMIT_PER_MINUTE'))).toBeGreaterThan(0);
      // The ingress lets through what the gateway accepts (BODY_LIMIT, 16 MiB by default): 5,000 import rows.
      const mib = (v: string) => Number(/^(\d+)m(?:b)?$/i.exec(v)?.[1] ?? NaN);
      expect(mib(ing.metadata!.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'] ?? '')).toBe(
        mib(envValue(objects, gateway!, 'BODY_LIMIT') ?? '16mb'),
      );
    }
  });

  it('hardens every other workload too (non-root, seccomp, read-only root, no capabilities, sized, probed)', () => {
    for (const w of workloads(objects)) {
      const spec = w.template.spec!;
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
        expect(c.resources?.requests?.['memory']).toBeDefined();
        expect(c.resources?.limits?.['memory']).toBeDefined();
        expect(c.readinessProbe && c.livenessProbe).toBeTruthy();
      }
    }
  });

  if (overlay === 'production') {
    it('contains no Secret: production secrets come from the secret store, never from git', () => {
      expect(ofKind(objects, 'Secret')).toEqual([]);
    });
  }
});

describe('the code serves what the probes ask for', () => {
  it('mounts /healthz and /readyz (and /metrics) on every service and the gateway', () => {
    const probes = readFileSync(join(ROOT, 'shared', 'server', 'src', 'http-app.ts'), 'utf8');
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(probes).toContain(`app.get('${path}'`);
    expect(readFileSync(join(ROOT, 'shared', 'server', 'src', 'subgraph-server.ts'), 'utf8')).toMatch(/mountProbes\(app/);
    expect(readFileSync(join(ROOT, 'gateway', 'src', 'gateway.ts'), 'utf8')).toMatch(/mountProbes\(app/);
    // smoke.test.ts then starts every service with its rendered environment and probes it live.
  });
});
