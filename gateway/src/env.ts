import { envBoolean, envInt, envList, envPort, requireJwks, z, LOCAL_PORTS, SERVICE_NAMES, type ServiceName } from '@creditbank/config';

const subgraphUrlVar = (name: ServiceName) => `SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`;

export const SUBGRAPH_URL_VARS: Record<ServiceName, string> = Object.fromEntries(
  SERVICE_NAMES.map((n) => [n, subgraphUrlVar(n)]),
) as Record<ServiceName, string>;

const subgraphUrls = Object.fromEntries(
  SERVICE_NAMES.map((n) => [subgraphUrlVar(n), z.string().url().default(`http://127.0.0.1:${LOCAL_PORTS[n]}/graphql`)]),
);

export const gatewayEnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: envPort(LOCAL_PORTS.gateway),
    ...subgraphUrls,
    /** Path of the composed supergraph (built by `npm run compose`). */
    SUPERGRAPH_FILE: z.string().optional(),
    /** Timeout of one subgraph call, ms; per subgraph with SUBGRAPH_<NAME>_TIMEOUT_MS. */
    SUBGRAPH_TIMEOUT_MS: envInt(10_000, 100, 120_000),
    /** Keep-alive connections per subgraph (bounded pool). */
    SUBGRAPH_CONNECTIONS: envInt(64, 1, 1024),
    JWT_ISSUER: z.string().min(1).default('creditbank'),
    JWT_AUDIENCE: z.string().min(1).default('creditbank-api'),
    JWT_JWKS: z.string().optional(),
    JWT_JWKS_FILE: z.string().optional(),
    /** Origins of the provincial front-ends allowed to call from browsers. */
    CORS_ORIGINS: envList(['http://localhost:3000', 'http://127.0.0.1:3000']),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(kb|mb)$/)
      .default('16mb'),
    MAX_DEPTH: envInt(12, 2, 50),
    MAX_ALIASES: envInt(30, 1, 500),
    MAX_TOKENS: envInt(5_000, 100, 100_000),
    MAX_COST: envInt(20_000, 100, 1_000_000),
    MAX_DIRECTIVES: envInt(50, 1, 500),
    /** `login` fields allowed in one operation (aliases included): brute force is limited per operation. */
    MAX_LOGINS_PER_OPERATION: envInt(1, 1, 100),
    /**
     * Per-client rate limit: root fields (operations, aliases included) per minute for one caller (its
     * token subject, or its address when anonymous), per gateway process; 0 turns it off.
     */
    RATE_LIMIT_PER_MINUTE: envInt(0, 0, 1_000_000),
    /** Proxies in front of the gateway whose x-forwarded-for is trusted for the client address (0: none). */
    TRUST_PROXY_HOPS: envInt(0, 0, 10),
    INTROSPECTION: envBoolean(false),
    SHUTDOWN_TIMEOUT_MS: envInt(20_000, 100, 600_000),
    /**
     * Worker processes (node:cluster) sharing the port: `auto` (the CPUs this container may use) or a
     * number; 1 serves from a single process. Default: `auto` in production, 1 otherwise.
     */
    GATEWAY_WORKERS: z
      .string()
      .regex(/^(auto|[1-9][0-9]?)$/, 'auto or 1..99')
      .optional(),
    /** Query plans kept (LRU by entries); hit rate in creditbank_gateway_cache_lookups_total. */
    QUERY_PLAN_CACHE_ENTRIES: envInt(1_000, 10, 1_000_000),
    /** Parsed and validated operations kept (LRU by entries). */
    DOCUMENT_CACHE_ENTRIES: envInt(1_000, 10, 1_000_000),
    /** Subgraph HTTP client: undici `request` (fast) or `fetch`. */
    SUBGRAPH_HTTP_CLIENT: z.enum(['request', 'fetch']).default('request'),
    /** Compress GraphQL responses at least this large (bytes) for clients that accept gzip/br; 0 = never. */
    COMPRESSION_MIN_BYTES: envInt(4_096, 0, 100_000_000),
  })
  .passthrough()
  .superRefine(requireJwks);

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export function subgraphTimeout(env: GatewayEnv, name: string): number {
  const raw = (env as Record<string, unknown>)[`SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_TIMEOUT_MS`];
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 100 ? n : env.SUBGRAPH_TIMEOUT_MS;
}
