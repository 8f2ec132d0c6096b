/**
 * Kafka as Strimzi resources, checked against the code: every topic the code uses (TOPICS and their
 * dead-letter topics) is a KafkaTopic and nothing else is; every service's KafkaUser allows exactly
 * what it produces and consumes (TOPIC_OF_SERVICE, CONSUMED_TOPICS, dlqTopic, its consumer groups);
 * the data team and partner universities read their topics only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, CONSUMED_TOPICS, SERVICES, TOPICS, TOPIC_OF_SERVICE, dlqTopic } from '@creditbank/contracts';
import { ROOT, named, ofKind, overlays, render, type K8sObject } from './support/manifests';

interface Acl {
  type?: 'allow' | 'deny';
  resource: { type: 'topic' | 'group' | 'cluster' | 'transactionalId'; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
  host?: string;
}
interface KafkaUser extends K8sObject {
  spec: { authentication: { type: string }; authorization: { type: string; acls: Acl[] }; quotas?: Record<string, number> };
}
interface KafkaTopic extends K8sObject {
  spec: { topicName?: string; partitions: number; replicas: number; config: Record<string, string | number | boolean> };
}
interface NodePool extends K8sObject {
  spec: { replicas: number; roles: string[] };
}
interface Kafka extends K8sObject {
  spec: {
    kafka: {
      listeners: Array<{ name: string; port: number; type: string; tls: boolean; authentication?: { type: string } }>;
      authorization?: { type: string; superUsers?: string[] };
      config: Record<string, unknown>;
    };
    entityOperator?: { topicOperator?: object; userOperator?: object };
  };
}

const OVERLAYS = overlays();

/** ACLs as comparable strings: `allow topic:literal:creditbank.account.v1 Write`. */
function aclSet(acls: readonly Acl[]): string[] {
  return acls
    .flatMap((a) =>
      a.operations.map(
        (op) => `${a.type ?? 'allow'} ${a.resource.type}:${a.resource.patternType ?? 'literal'}:${a.resource.name ?? ''} ${op}`,
      ),
    )
    .sort();
}

const topic = (name: string, ...ops: string[]) => ops.map((op) => `allow topic:literal:${name} ${op}`);
const groupPrefix = (prefix: string) => [`allow group:prefix:${prefix} Read`];

/** What a service needs, derived from shared/contracts only. */
function expectedServiceAcls(service: (typeof SERVICES)[number]): string[] {
  const produced = TOPIC_OF_SERVICE[service];
  const consumed = CONSUMED_TOPICS[service];
  return [
    ...(produced ? topic(produced, 'Write', 'Describe') : []),
    ...consumed.flatMap((t) => topic(t, 'Read', 'Describe')),
    // The consumer dead-letters what it cannot process to <consumed topic>.dlq.
    ...consumed.flatMap((t) => topic(dlqTopic(t), 'Write', 'Describe')),
    // Group ids are `<service>.<purpose>` (shared/server service-kit `consumer()`).
    ...groupPrefix(`${service}.`),
  ].sort();
}

/** The consumer group ids the services' main.ts files create: `<service>.<purpose>`. */
function groupIdsInCode(): Map<string, string[]> {
  const kit = readFileSync(join(ROOT, 'shared', 'server', 'src', 'service-kit.ts'), 'utf8');
  expect(kit).toContain('groupId: `${service}.${groupId}`');
  const out = new Map<string, string[]>();
  for (const service of readdirSync(join(ROOT, 'services'))) {
    const main = readFileSync(join(ROOT, 'services', service, 'src', 'main.ts'), 'utf8');
    out.set(
      service,
      [...main.matchAll(/\.consumer\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => `${service}.${m[1]}`),
    );
  }
  return out;
}

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = render(overlay);
  const kafka = ofKind<Kafka>(objects, 'Kafka');
  const cluster = kafka[0]!;
  const topics = ofKind<KafkaTopic>(objects, 'KafkaTopic');
  const users = ofKind<KafkaUser>(objects, 'KafkaUser');
  const topicName = (t: KafkaTopic) => t.spec.topicName ?? t.metadata.name;

  it('runs one KRaft Kafka cluster from node pools, with TLS + SCRAM clients and ACL authorisation', () => {
    expect(kafka).toHaveLength(1);
    const pools = ofKind<NodePool>(objects, 'KafkaNodePool');
    for (const p of pools) expect(p.metadata.labels?.['strimzi.io/cluster']).toBe(cluster.metadata.name);
    const count = (role: string) => pools.filter((p) => p.spec.roles.includes(role)).reduce((n, p) => n + p.spec.replicas, 0);
    expect(count('controller')).toBeGreaterThanOrEqual(3);
    expect(count('controller') % 2).toBe(1); // a quorum
    expect(count('broker')).toBeGreaterThanOrEqual(3);
    const listeners = cluster.spec.kafka.listeners;
    expect(listeners.length).toBeGreaterThan(0);
    for (const l of listeners) {
      expect(l.tls).toBe(true);
      expect(l.authentication?.type).toBe('scram-sha-512');
    }
    expect(cluster.spec.kafka.authorization?.type).toBe('simple');
    expect(cluster.spec.kafka.authorization?.superUsers ?? []).toEqual([]);
    expect(cluster.spec.kafka.config).toMatchObject({
      'auto.create.topics.enable': false,
      'min.insync.replicas': 2,
      'default.replication.factor': 3,
    });
    expect(cluster.spec.entityOperator?.topicOperator).toBeDefined();
    expect(cluster.spec.entityOperator?.userOperator).toBeDefined();
  });

  it('declares exactly the topics the code uses: every TOPICS entry and its dead-letter topic', () => {
    const expected = [...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)].sort();
    expect(topics.map(topicName).sort()).toEqual(expected);
    for (const t of topics) expect(t.metadata.labels?.['strimzi.io/cluster']).toBe(cluster.metadata.name);
  });

  it('replicates every topic three times with min.insync.replicas 2, bounded retention and no compaction of event logs', () => {
    const brokers = ofKind<NodePool>(objects, 'KafkaNodePool')
      .filter((p) => p.spec.roles.includes('broker'))
      .reduce((n, p) => n + p.spec.replicas, 0);
    for (const t of topics) {
      const id = topicName(t);
      expect(`${id} replicas ${t.spec.replicas}`).toBe(`${id} replicas 3`);
      expect(t.spec.replicas).toBeLessThanOrEqual(brokers);
      expect(Number(t.spec.config['min.insync.replicas'])).toBe(2);
      expect(Number(t.spec.config['retention.ms'])).toBeGreaterThan(0);
      // Event topics are logs of facts, several types per key: compaction would delete history.
      expect(t.spec.config['cleanup.policy']).toBe('delete');
      expect(t.spec.partitions).toBeGreaterThanOrEqual(1);
    }
    for (const t of ALL_TOPICS) {
      const main = topics.find((x) => topicName(x) === t)!;
      const dlq = topics.find((x) => topicName(x) === dlqTopic(t))!;
      // A dead letter is the original message plus dlq-* headers.
      expect(Number(dlq.spec.config['max.message.bytes'])).toBeGreaterThan(Number(main.spec.config['max.message.bytes']));
    }
  });

  it.each([...SERVICES])('gives %s a SCRAM user whose ACLs cover exactly what it produces and consumes', (service) => {
    const user = named<KafkaUser>(objects, 'KafkaUser', service);
    expect(user.metadata.labels?.['strimzi.io/cluster']).toBe(cluster.metadata.name);
    expect(user.spec.authentication.type).toBe('scram-sha-512');
    expect(user.spec.authorization.type).toBe('simple');
    expect(aclSet(user.spec.authorization.acls)).toEqual(expectedServiceAcls(service));
  });

  it('covers every consumer group the services create with their own group prefix', () => {
    for (const [service, groups] of groupIdsInCode()) {
      const user = named<KafkaUser>(objects, 'KafkaUser', service);
      const prefixes = user.spec.authorization.acls.filter((a) => a.resource.type === 'group').map((a) => a.resource.name!);
      for (const g of groups) expect(prefixes.some((p) => g.startsWith(p))).toBe(true);
    }
  });

  it('gives the data team read-only access to every event topic and its own groups', () => {
    const user = named<KafkaUser>(objects, 'KafkaUser', 'data-team');
    expect(user.spec.authentication.type).toBe('scram-sha-512');
    expect(aclSet(user.spec.authorization.acls)).toEqual(
      [...ALL_TOPICS.flatMap((t) => topic(t, 'Read', 'Describe')), ...groupPrefix('data-team.')].sort(),
    );
    expect(user.spec.quotas?.['consumerByteRate']).toBeGreaterThan(0);
  });

  it('gives partner universities read-only access to the conversion topic only', () => {
    const user = named<KafkaUser>(objects, 'KafkaUser', 'partner-universities');
    expect(user.spec.authentication.type).toBe('scram-sha-512');
    expect(aclSet(user.spec.authorization.acls)).toEqual(
      [...topic(TOPICS.conversion, 'Read', 'Describe'), ...groupPrefix('partner-universities.')].sort(),
    );
    expect(user.spec.quotas?.['consumerByteRate']).toBeGreaterThan(0);
  });

  it("gives the platform team's tooling (events tail, replay-dlq) the topics and DLQs, and the CLI's groups", () => {
    const user = named<KafkaUser>(objects, 'KafkaUser', 'platform-ops');
    expect(aclSet(user.spec.authorization.acls)).toEqual(
      [
        ...ALL_TOPICS.flatMap((t) => topic(t, 'Read', 'Describe', 'Write')),
        ...ALL_TOPICS.flatMap((t) => topic(dlqTopic(t), 'Read', 'Describe')),
        ...groupPrefix('creditbank-cli'),
      ].sort(),
    );
  });

  it('has no other users, and no user with cluster, wildcard or administrative rights', () => {
    expect(users.map((u) => u.metadata.name).sort()).toEqual([...SERVICES, 'data-team', 'partner-universities', 'platform-ops'].sort());
    for (const u of users) {
      for (const a of u.spec.authorization.acls) {
        expect(a.type ?? 'allow').toBe('allow');
        expect(['topic', 'group']).toContain(a.resource.type);
        expect(a.resource.name).not.toMatch(/^\*?$/);
        for (const op of a.operations) expect(['Read', 'Write', 'Describe']).toContain(op);
        if (a.resource.type === 'topic') expect(a.resource.patternType ?? 'literal').toBe('literal');
      }
    }
  });
});
