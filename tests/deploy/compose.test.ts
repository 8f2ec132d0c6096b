/**
 * deploy/compose.yaml cannot run here (no Docker engine); its structure is checked instead: a real
 * MongoDB replica set, Kafka in KRaft mode, the six subgraphs and the gateway built from
 * deploy/Dockerfile, each configured with the variables the code reads, started in dependency order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NAMES, loadEnv, serviceEnvSchema } from '@creditbank/config';
import { ROOT } from './support/manifests';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  user?: string;
  tmpfs?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const apps = [...SERVICE_NAMES, 'gateway'];

describe('deploy/compose.yaml', () => {
  it('runs MongoDB as a replica set that initiates itself and is healthy only as a writable primary', () => {
    const mongo = services['mongodb']!;
    expect(mongo.image).toMatch(/^mongo:\d+(\.\d+)*$/);
    expect(mongo.command).toEqual(expect.arrayContaining(['mongod', '--replSet', 'rs0']));
    const test = mongo.healthcheck!.test.join(' ');
    expect(test).toMatch(/rs\.initiate\(\{ _id: 'rs0'.*host: 'mongodb:27017'/);
    expect(test).toMatch(/isWritablePrimary/);
    expect(mongo.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^mongodb:\/data\/db$/)]));
  });

  it('runs Apache Kafka in KRaft mode (combined broker and controller, no ZooKeeper)', () => {
    const kafka = services['kafka']!;
    expect(kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    const env = kafka.environment!;
    expect(env['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(env['KAFKA_CONTROLLER_QUORUM_VOTERS']).toMatch(/^1@kafka:\d+$/);
    expect(env['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
    expect(Object.keys(env).some((k) => /ZOOKEEPER/.test(k))).toBe(false);
    expect(env['KAFKA_ADVERTISED_LISTENERS']).toContain('PLAINTEXT://kafka:9092');
    expect(kafka.healthcheck).toBeDefined();
  });

  it('builds every workload from deploy/Dockerfile with its SERVICE', () => {
    for (const name of apps) {
      const s = services[name]!;
      expect(s.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile', args: { SERVICE: name } });
      expect(s.image).toBe(`creditbank/${name}:local`);
    }
  });

  it.each([...SERVICE_NAMES])('configures %s with the variables the code reads, pointing at the compose MongoDB and Kafka', (name) => {
    const env = services[name]!.environment!;
    const parsed = loadEnv(serviceEnvSchema(name), env);
    expect(parsed.MONGODB_DB).toBe(loadEnv(serviceEnvSchema(name), { JWT_JWKS: '{}' }).MONGODB_DB);
    const mongo = new URL(parsed.MONGODB_URI);
    expect(mongo.host).toBe('mongodb:27017');
    expect(mongo.searchParams.get('replicaSet')).toBe('rs0');
    expect(parsed.KAFKA_BROKERS).toEqual(['kafka:9092']);
    expect(parsed.HOST).toBe('0.0.0.0');
    expect(parsed.JWT_JWKS_FILE).toMatch(/^\/keys\//);
    if (name === 'account') {
      expect(env['JWT_PRIVATE_KEY_FILE']).toMatch(/^\/keys\//);
      expect(env['JWT_SIGNING_KID']).toBeTruthy();
    }
    expect(services[name]!.depends_on).toEqual({
      mongodb: { condition: 'service_healthy' },
      kafka: { condition: 'service_healthy' },
      keys: { condition: 'service_completed_successfully' },
    });
    expect(services[name]!.volumes).toContain('keys:/keys:ro');
  });

  it('points the gateway at every subgraph by service name and starts it once they are healthy', () => {
    const gw = services['gateway']!;
    const env = gw.environment!;
    for (const name of SERVICE_NAMES) {
      const url = new URL(env[`SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`]!);
      expect(url.hostname).toBe(name);
      expect(url.port).toBe(services[name]!.environment!['PORT']);
      expect(url.pathname).toBe('/graphql');
      expect(gw.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    }
    expect(env['JWT_JWKS_FILE']).toMatch(/^\/keys\//);
    expect(env['CORS_ORIGINS']).toBeTruthy();
    expect(gw.ports).toEqual([`127.0.0.1:4000:${env['PORT']}`]);
  });

  it('hardens every app container like the Kubernetes manifests do', () => {
    for (const name of apps) {
      const s = services[name]!;
      expect(s.read_only).toBe(true);
      expect(s.cap_drop).toEqual(['ALL']);
      expect(s.security_opt).toContain('no-new-privileges:true');
      expect(s.user).toBe('10001:10001');
      expect(s.tmpfs).toEqual(['/tmp']);
    }
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, s] of Object.entries(services)) for (const p of s.ports ?? []) expect(`${name} ${p}`).toMatch(/ 127\.0\.0\.1:/);
  });

  it('declares the named volumes it uses', () => {
    const used = Object.values(services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0]!));
    for (const v of used) expect(Object.keys(compose.volumes ?? {})).toContain(v);
  });
});
