/**
 * The supergraph reaches the gateway as a ConfigMap generated from gateway/supergraph.graphql. The
 * generator's content hash is part of the ConfigMap's name, and the gateway's pod template refers to
 * that name: a schema change therefore changes the pod template and rolls the gateway, and nothing
 * else. Checked by rendering a copy of k8s/ with a changed supergraph.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { K8S, ROOT, appDeployments, named, ofKind, overlays, render, renderDir, type K8sObject, type Workload } from './support/manifests';

const SUPERGRAPH = join(ROOT, 'gateway', 'supergraph.graphql');

function supergraphConfigMap(objects: K8sObject[], gateway: Workload): IConfigMap & K8sObject {
  const volume = gateway.template.spec!.volumes!.find((v) => v.name === 'supergraph')!;
  return named<IConfigMap & K8sObject>(objects, 'ConfigMap', volume.configMap!.name!);
}

describe.each(overlays())('overlay %s', (overlay) => {
  it('mounts the composed supergraph, byte for byte, where SUPERGRAPH_FILE points', () => {
    const objects = render(overlay);
    const gateway = appDeployments(objects).find((w) => w.name === 'gateway')!;
    const cm = supergraphConfigMap(objects, gateway);
    expect(cm.metadata.name).toMatch(/^supergraph-[a-z0-9]{10}$/); // the content hash
    expect(cm.data!['supergraph.graphql']).toBe(readFileSync(SUPERGRAPH, 'utf8'));
    const c = gateway.template.spec!.containers[0]!;
    const mount = c.volumeMounts!.find((m) => m.name === 'supergraph')!;
    const file = c.env!.find((e) => e.name === 'SUPERGRAPH_FILE')!.value!;
    expect(file).toBe(`${mount.mountPath}/supergraph.graphql`);
  });
});

describe('a schema change', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'creditbank-k8s-'));
    cpSync(K8S, join(dir, 'k8s'), { recursive: true });
    mkdirSync(join(dir, 'gateway'));
    writeFileSync(join(dir, 'gateway', 'supergraph.graphql'), readFileSync(SUPERGRAPH, 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(overlays())('rolls the gateway, and only the gateway (%s)', (overlay) => {
    const before = renderDir(join(dir, 'k8s', 'overlays', overlay));
    expect(before).toEqual(render(overlay)); // the copy renders like the original
    writeFileSync(join(dir, 'gateway', 'supergraph.graphql'), `${readFileSync(SUPERGRAPH, 'utf8')}\n# a schema change\n`);
    try {
      const after = renderDir(join(dir, 'k8s', 'overlays', overlay));
      const templates = (objects: K8sObject[]) => new Map(appDeployments(objects).map((w) => [w.name, JSON.stringify(w.template)]));
      const t0 = templates(before);
      const t1 = templates(after);
      const changed = [...t0.keys()].filter((name) => t0.get(name) !== t1.get(name));
      expect(changed).toEqual(['gateway']);
      const gw0 = appDeployments(before).find((w) => w.name === 'gateway')!;
      const gw1 = appDeployments(after).find((w) => w.name === 'gateway')!;
      expect(supergraphConfigMap(after, gw1).metadata.name).not.toBe(supergraphConfigMap(before, gw0).metadata.name);
      // The old ConfigMap is no longer rendered; pods of the old ReplicaSet keep their mounted copy.
      expect(ofKind(after, 'ConfigMap').map((c) => c.metadata.name)).not.toContain(supergraphConfigMap(before, gw0).metadata.name);
    } finally {
      writeFileSync(join(dir, 'gateway', 'supergraph.graphql'), readFileSync(SUPERGRAPH, 'utf8'));
    }
  });
});
