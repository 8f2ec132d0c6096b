/**
 * NetworkPolicies: default deny, then only ingress → gateway → subgraphs → Kafka/MongoDB, DNS, and
 * outbound HTTPS where a service calls out. Evaluated on the rendered overlays against the pod
 * labels of the rendered workloads.
 */
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import {
  appContainer,
  appDeployments,
  ofKind,
  overlays,
  render,
  selects,
  workloads,
  type K8sObject,
  type Workload,
} from './support/manifests';

type Policy = INetworkPolicy & K8sObject;
interface Rule {
  policy: string;
  peers: INetworkPolicyPeer[];
  ports: INetworkPolicyPort[];
}
interface KafkaObject extends K8sObject {
  spec: { kafka: { listeners: Array<{ name: string; port: number; tls: boolean; networkPolicyPeers?: INetworkPolicyPeer[] }> } };
}

const OVERLAYS = overlays();
const isDnsPolicy = (p: Policy) => p.metadata!.name === 'allow-dns';
const isDefaultDeny = (p: Policy) => p.metadata!.name === 'default-deny';

function podLabels(w: Workload): Record<string, string> {
  return w.template.metadata?.labels ?? {};
}

function selecting(policies: Policy[], w: Workload, type: 'Ingress' | 'Egress'): Policy[] {
  return policies.filter((p) => (p.spec!.policyTypes ?? ['Ingress']).includes(type) && selects(p.spec!.podSelector, podLabels(w)));
}

function rules(policies: Policy[], w: Workload, type: 'Ingress' | 'Egress'): Rule[] {
  return selecting(policies, w, type).flatMap((p) =>
    type === 'Ingress'
      ? (p.spec!.ingress ?? []).map((r) => ({ policy: p.metadata!.name!, peers: r.from ?? [], ports: r.ports ?? [] }))
      : (p.spec!.egress ?? []).map((r) => ({ policy: p.metadata!.name!, peers: r.to ?? [], ports: r.ports ?? [] })),
  );
}

/** Which rendered workloads a same-namespace pod peer selects. */
function peerWorkloads(all: Workload[], peer: INetworkPolicyPeer): string[] {
  return all.filter((w) => selects(peer.podSelector, podLabels(w))).map((w) => w.name);
}

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = render(overlay);
  const policies = ofKind<Policy>(objects, 'NetworkPolicy');
  const all = workloads(objects);
  const apps = appDeployments(objects);
  const subgraphs = apps.filter((w) => w.labels['app.kubernetes.io/component'] === 'subgraph');
  const gateway = apps.find((w) => w.name === 'gateway')!;
  const kafka = ofKind<KafkaObject>(objects, 'Kafka')[0]!;
  const kafkaTls = kafka.spec.kafka.listeners.find((l) => l.tls)!;

  it('denies all ingress and egress by default, for every pod of the namespace', () => {
    const deny = policies.find(isDefaultDeny)!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('lets every pod resolve names through the cluster DNS only', () => {
    const dns = policies.find(isDnsPolicy)!;
    expect(dns.spec!.podSelector).toEqual({});
    expect(dns.spec!.policyTypes).toEqual(['Egress']);
    for (const r of dns.spec!.egress!) {
      expect(r.ports!.map((p) => `${p.protocol}/${p.port}`).sort()).toEqual(['TCP/53', 'UDP/53']);
      for (const peer of r.to!) {
        expect(peer.namespaceSelector?.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
        expect(peer.podSelector?.matchLabels).toEqual({ 'k8s-app': 'kube-dns' });
      }
    }
  });

  it('covers every pod with explicit allow rules on top of the default deny', () => {
    for (const w of all) {
      const explicit = policies.filter((p) => !isDefaultDeny(p) && !isDnsPolicy(p) && selects(p.spec!.podSelector, podLabels(w)));
      expect(`${w.name}: ${explicit.length > 0}`).toBe(`${w.name}: true`);
    }
    for (const p of policies) {
      if (isDefaultDeny(p) || isDnsPolicy(p)) continue;
      // A policy that selects none of our pods must be for the operator's pods (Strimzi).
      const ours = all.filter((w) => selects(p.spec!.podSelector, podLabels(w)));
      if (ours.length === 0) expect(p.spec!.podSelector.matchLabels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
    }
  });

  it('lets only the ingress controller reach the gateway, on its HTTP port', () => {
    const ingress = rules(policies, gateway, 'Ingress');
    expect(ingress.length).toBeGreaterThan(0);
    for (const r of ingress) {
      for (const peer of r.peers) {
        expect(peer.ipBlock).toBeUndefined();
        expect(peer.podSelector).toBeUndefined();
        expect(peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toBeTruthy();
      }
      expect(r.ports.map((p) => p.port)).toEqual(['http']);
    }
  });

  it('lets the gateway reach the subgraphs and nothing else (besides DNS)', () => {
    const egress = rules(policies, gateway, 'Egress').filter((r) => r.policy !== 'allow-dns');
    expect(egress.length).toBeGreaterThan(0);
    for (const r of egress) {
      expect(r.peers.length).toBeGreaterThan(0);
      for (const peer of r.peers) {
        expect(peer.ipBlock ?? peer.namespaceSelector).toBeUndefined();
        expect(peerWorkloads(all, peer).sort()).toEqual(subgraphs.map((w) => w.name).sort());
      }
      expect(r.ports.map((p) => p.port)).toEqual(['http']);
    }
  });

  it.each(subgraphs.map((w) => [w.name, w] as const))('%s is reachable from the gateway only, on its HTTP port', (_n, w) => {
    const ingress = rules(policies, w, 'Ingress');
    expect(ingress.length).toBeGreaterThan(0);
    for (const r of ingress) {
      expect(r.peers.length).toBeGreaterThan(0); // an empty `from` would mean "from anywhere"
      for (const peer of r.peers) {
        expect(peer.ipBlock ?? peer.namespaceSelector).toBeUndefined();
        expect(peerWorkloads(all, peer)).toEqual(['gateway']);
      }
      for (const p of r.ports) expect(appContainer(w).ports!.map((x) => x.name)).toContain(p.port);
    }
  });

  it.each(subgraphs.map((w) => [w.name, w] as const))(
    '%s reaches Kafka, MongoDB and DNS (and public HTTPS only where it calls out)',
    (_n, w) => {
      const egress = rules(policies, w, 'Egress').filter((r) => r.policy !== 'allow-dns');
      const kinds = new Set<string>();
      for (const r of egress) {
        expect(r.peers.length).toBeGreaterThan(0); // an empty `to` would mean "anywhere"
        const ports = r.ports.map((p) => p.port);
        for (const peer of r.peers) {
          if (peer.podSelector?.matchLabels?.['strimzi.io/cluster'] === kafka.metadata.name) {
            expect(peer.podSelector.matchLabels['strimzi.io/broker-role']).toBe('true');
            expect(ports).toEqual([kafkaTls.port]);
            kinds.add('kafka');
          } else if (ports.length === 1 && ports[0] === 27017) {
            if (peer.podSelector) expect(peerWorkloads(all, peer)).toEqual(['mongodb']);
            else expect(peer.ipBlock?.cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/(1[6-9]|2\d|3[0-2])$/); // a managed endpoint range, not the internet
            kinds.add('mongodb');
          } else if (ports.length === 1 && ports[0] === 443 && peer.ipBlock) {
            expect(['account', 'conversion']).toContain(w.name);
            expect(peer.ipBlock.except).toEqual(
              expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
            );
            kinds.add('https');
          } else {
            throw new Error(`${w.name}: unexpected egress ${JSON.stringify({ peer, ports })}`);
          }
        }
      }
      expect([...kinds].filter((k) => k !== 'https').sort()).toEqual(['kafka', 'mongodb']);
    },
  );

  it('lets the subgraphs (and nothing else of ours) through the Kafka listener', () => {
    const peers = kafkaTls.networkPolicyPeers ?? [];
    expect(peers.length).toBeGreaterThan(0);
    const ours = peers.filter((p) => p.podSelector && !p.namespaceSelector);
    expect(ours.flatMap((p) => peerWorkloads(all, p)).sort()).toEqual(subgraphs.map((w) => w.name).sort());
    for (const p of peers) expect(p.ipBlock).toBeUndefined();
  });

  if (overlay === 'dev') {
    it('lets only the subgraphs (and its own replica set members) reach the in-cluster MongoDB', () => {
      const mongo = all.find((w) => w.name === 'mongodb')!;
      for (const r of rules(policies, mongo, 'Ingress')) {
        for (const peer of r.peers) {
          expect(peer.ipBlock ?? peer.namespaceSelector).toBeUndefined();
          for (const name of peerWorkloads(all, peer)) expect([...subgraphs.map((w) => w.name), 'mongodb']).toContain(name);
        }
      }
    });
  }
});
