import { main as account } from '@creditbank/account-service';
import { main as outcome } from '@creditbank/outcome-service';
import { main as standards } from '@creditbank/standards-service';
import { main as conversion } from '@creditbank/conversion-service';
import { main as intakeNetwork } from '@creditbank/intake-network-service';
import { main as analytics } from '@creditbank/analytics-service';
import { main as gateway } from '@creditbank/gateway';
import type { StartedService } from '@creditbank/server';
import { createTestNamespace, serviceTestEnv, testJwks, type TestNamespace } from '@creditbank/testing';

type Started = StartedService;
const SERVICES = { account, outcome, standards, conversion, 'intake-network': intakeNetwork, analytics } as const;
export type ServiceKey = keyof typeof SERVICES;

/** The whole platform in this test process: six subgraphs and the gateway, in one test namespace. */
export interface Platform {
  ns: TestNamespace;
  gatewayUrl: string;
  subgraphUrl: Record<ServiceKey, string>;
  services: Record<ServiceKey, Started>;
  stop(): Promise<void>;
}

/** A gateway in this process over the given subgraphs (`env` adds to or overrides the test defaults). */
export async function startGateway(urls: Record<ServiceKey, string>, env: Record<string, string> = {}): Promise<Started> {
  return gateway({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
    PORT: '0',
    JWT_JWKS: testJwks(),
    ...Object.fromEntries((Object.keys(urls) as ServiceKey[]).map((k) => [`SUBGRAPH_${k.toUpperCase().replace(/-/g, '_')}_URL`, urls[k]])),
    ...env,
  });
}

export async function startPlatform(options: { env?: Partial<Record<ServiceKey, Record<string, string>>> } = {}): Promise<Platform> {
  const ns = createTestNamespace();
  const keys = Object.keys(SERVICES) as ServiceKey[];
  const started = {} as Record<ServiceKey, Started>;
  try {
    // Sequential start: each service's topic check is then a no-op for the next ones.
    for (const key of keys) started[key] = await SERVICES[key](serviceTestEnv(ns, key, options.env?.[key] ?? {}));
    const urls = Object.fromEntries(keys.map((k) => [k, started[k].url])) as Record<ServiceKey, string>;
    const gw = await startGateway(urls);
    return {
      ns,
      gatewayUrl: gw.url,
      subgraphUrl: urls,
      services: started,
      async stop() {
        await gw.runtime.stop();
        await Promise.all(keys.map((k) => started[k].runtime.stop()));
        await ns.cleanup();
      },
    };
  } catch (error) {
    await Promise.all(Object.values(started).map((s) => s.runtime.stop()));
    await ns.cleanup();
    throw error;
  }
}
