/**
 * Every overlay renders with `kubectl kustomize`, and every rendered object is valid: core kinds
 * against kubernetes-models (plus a strict unknown-field check), Strimzi kinds against the CRDs in
 * ../shared/crds/strimzi. Offline: no cluster is needed.
 */
import { CRD_DIR, isStrimzi, loadCrds, preloadTypes, schemaProblems, unknownFields, validateCore, validateCustom } from './support/schemas';
import { join } from 'node:path';
import { K8S, ofKind, overlays, render, renderDir, type K8sObject } from './support/manifests';

const OVERLAYS = overlays();

describe('kustomize overlays', () => {
  it('has the dev and production overlays', () => {
    expect(OVERLAYS).toEqual(expect.arrayContaining(['dev', 'production']));
  });

  it.each(OVERLAYS)('%s renders with kubectl kustomize, every object namespaced into its own restricted Namespace', (overlay) => {
    const objects = renderDir(join(K8S, 'overlays', overlay)); // always a fresh render
    expect(objects).toEqual(render(overlay)); // what the other deploy tests check
    expect(objects.length).toBeGreaterThan(50);
    const namespaces = ofKind(objects, 'Namespace');
    expect(namespaces).toHaveLength(1);
    const ns = namespaces[0]!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects) {
      if (o.kind !== 'Namespace')
        expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${ns.metadata.name}`);
    }
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('schema validation', () => {
  beforeAll(() => {
    preloadTypes(OVERLAYS.flatMap((o) => render(o)).filter((o) => !isStrimzi(o)));
  });

  it('reads the Strimzi CRDs (kafka.strimzi.io/v1) from ../shared/crds at test time', () => {
    const { validators, files } = loadCrds();
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const kind of ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser'])
      expect(validators.has(`kafka.strimzi.io/v1/${kind}`)).toBe(true);
    expect(CRD_DIR).toMatch(/shared[/\\]crds[/\\]strimzi$/);
  });

  it.each(OVERLAYS)('every object of %s is valid and has no unknown field', (overlay) => {
    const problems: string[] = [];
    for (const o of render(overlay)) {
      for (const p of schemaProblems(o)) problems.push(`${o.kind}/${o.metadata.name}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('uses only kinds it can validate (core or Strimzi v1)', () => {
    for (const overlay of OVERLAYS) {
      for (const o of render(overlay)) {
        if (isStrimzi(o)) expect(o.apiVersion).toBe('kafka.strimzi.io/v1');
        else expect(validateCore({ ...o, metadata: { ...o.metadata } })).toBeNull();
      }
    }
  });

  // The validators themselves: a check that accepts everything would make the tests above vacuous.
  describe('the validators reject what the API server or the operator would not accept', () => {
    const deployment = (): K8sObject => structuredClone(render('production').find((o) => o.kind === 'Deployment')!);
    const topic = (): K8sObject => structuredClone(render('production').find((o) => o.kind === 'KafkaTopic')!);

    it('an unknown field in a container (a typo the API server would silently drop)', () => {
      const d = deployment() as K8sObject & { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
      d.spec.template.spec.containers[0]!['securityContext'] = { readOnlyRootFileSystem: true };
      expect(unknownFields(d)).toEqual(['spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field']);
    });

    it('an unknown field in metadata and at the top', () => {
      const d = deployment();
      (d.metadata as Record<string, unknown>)['label'] = { a: 'b' };
      d['specs'] = {};
      expect(unknownFields(d)).toEqual(['metadata.label: unknown field', 'specs: unknown field']);
    });

    it('a wrong type', () => {
      const d = deployment() as K8sObject & { spec: Record<string, unknown> };
      d.spec['revisionHistoryLimit'] = 'five';
      expect(validateCore(d)).toMatch(/revisionHistoryLimit must be integer/);
    });

    it('a free-form map (labels, ConfigMap data) accepts any key', () => {
      const d = deployment();
      d.metadata.labels = { ...d.metadata.labels, 'anything.example/at-all': 'x' };
      expect(unknownFields(d)).toEqual([]);
    });

    it('a Strimzi resource with an unknown or mistyped field', () => {
      const t = topic() as K8sObject & { spec: Record<string, unknown> };
      t.spec['partition'] = 3;
      expect(validateCustom(t)).toMatch(/must NOT have additional properties.*"partition"/);
      const u = topic() as K8sObject & { spec: Record<string, unknown> };
      u.spec['replicas'] = 'three';
      expect(validateCustom(u)).toMatch(/must be integer/);
      const ok = topic() as K8sObject & { spec: { config: Record<string, unknown> } };
      ok.spec.config['segment.ms'] = 3600000; // config is free-form (x-kubernetes-preserve-unknown-fields)
      expect(validateCustom(ok)).toBeNull();
    });
  });
});
