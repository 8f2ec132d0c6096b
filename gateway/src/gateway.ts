import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import cors from 'cors';
import { Kind, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import type { Caller, Component } from '@creditbank/kernel';
import type { TokenVerifier } from '@creditbank/auth';
import { REQUEST_ID_HEADER, TRACEPARENT_HEADER, type Logger } from '@creditbank/logging';
import {
  authenticate,
  createErrorFormatter,
  createHttpListener,
  express,
  jsonErrorHandler,
  mountProbes,
  type AuthenticatedRequest,
  type HttpMetrics,
} from '@creditbank/server';
import { SERVICE_NAMES, type ServiceName } from '@creditbank/config';
import { SUBGRAPH_URL_VARS, subgraphTimeout, type GatewayEnv } from './env';
import { compressLargeResponses } from './compression';
import { createCacheMetrics } from './counting-cache';
import { createSubgraphFetcher, type SubgraphFetcher, type SubgraphHttpClient } from './fetcher';
import { maxRootFieldOccurrences } from './operation-limits';
import { mountPublicRoutes } from './public-routes';
import { createRateLimiter, rateLimitedError, rootFieldCount } from './rate-limit';
import { classifySubgraphFailure, subgraphFailureError } from './subgraph-failure';

export interface GatewayContext {
  caller: Caller;
  requestId: string;
  traceparent?: string;
  authorization?: string;
  /** Who the rate limit counts: the token subject, or the address of an anonymous caller. */
  client?: string;
}

export interface GatewayServer extends Component {
  url(): string;
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

export function supergraphPath(env: GatewayEnv): string {
  return env.SUPERGRAPH_FILE ?? join(__dirname, '..', 'supergraph.graphql');
}

/**
 * Forwards identity and tracing to every subgraph; the subgraph verifies the token again itself. A
 * call that fails below GraphQL (deadline, refused connection, HTTP error) becomes a coded error
 * without the subgraph's address or response (see subgraph-failure.ts); the cause is logged.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly serviceName: string;
  private readonly logger: Logger;

  constructor(options: { url: string; fetcher: SubgraphFetcher; serviceName: string; logger: Logger }) {
    super({ url: options.url, fetcher: options.fetcher as never });
    this.serviceName = options.serviceName;
    this.logger = options.logger;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers || !('requestId' in context)) return;
    if (context.authorization) headers.set('authorization', context.authorization);
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.traceparent) headers.set(TRACEPARENT_HEADER, context.traceparent);
  }

  override didEncounterError(error: Error): void {
    const failure = classifySubgraphFailure(error);
    this.logger.warn(
      { subgraph: this.serviceName, code: failure.code, status: failure.status, cause: failure.cause },
      'subgraph call failed',
    );
    throw subgraphFailureError(failure);
  }
}

/**
 * Where a subgraph is called: by default only our six subgraphs exist and each URL comes from its
 * SUBGRAPH_<NAME>_URL variable (a supergraph naming anything else is refused). With
 * `subgraphUrlsFromSupergraph` (benchmarks and tools serving another supergraph, never set by main)
 * any subgraph is accepted at the URL the supergraph gives it.
 */
export function resolveSubgraphUrl(
  env: GatewayEnv,
  subgraph: { name: string; url?: string | undefined },
  subgraphUrlsFromSupergraph = false,
): string {
  if (subgraphUrlsFromSupergraph) {
    if (!subgraph.url) throw new Error(`subgraph ${subgraph.name} has no URL in the supergraph`);
    return subgraph.url;
  }
  if (!(SERVICE_NAMES as readonly string[]).includes(subgraph.name)) throw new Error(`unknown subgraph ${subgraph.name}`);
  return (env as unknown as Record<string, string>)[SUBGRAPH_URL_VARS[subgraph.name as ServiceName]]!;
}

/** Knobs of the hot path; each defaults to the environment (the benchmark's ablation overrides them). */
export interface GatewayTuning {
  subgraphHttpClient: SubgraphHttpClient;
  /** Our counting LRU for query plans (false: @apollo/gateway's default 30 MiB store). */
  queryPlanCache: boolean;
  queryPlanCacheEntries: number;
  /** Our counting LRU for parsed and validated documents (false: Apollo Server's default store). */
  documentCache: boolean;
  documentCacheEntries: number;
  compressionMinBytes: number;
}

export function createGatewayServer(options: {
  env: GatewayEnv;
  logger: Logger;
  verifier: TokenVerifier;
  metrics: HttpMetrics;
  /** Take subgraph URLs from the supergraph and accept any subgraph name (see resolveSubgraphUrl). */
  subgraphUrlsFromSupergraph?: boolean;
  /** Serve /metrics from this source (a cluster worker answers for the whole cluster). */
  metricsText?: () => Promise<string>;
  tuning?: Partial<GatewayTuning>;
}): GatewayServer {
  const { env, logger } = options;
  const production = env.NODE_ENV === 'production';
  const fetchers: Array<{ close(): Promise<void> }> = [];
  const urls = env as unknown as Record<string, string>;
  const tuning: GatewayTuning = {
    subgraphHttpClient: env.SUBGRAPH_HTTP_CLIENT,
    queryPlanCache: true,
    queryPlanCacheEntries: env.QUERY_PLAN_CACHE_ENTRIES,
    documentCache: true,
    documentCacheEntries: env.DOCUMENT_CACHE_ENTRIES,
    compressionMinBytes: env.COMPRESSION_MIN_BYTES,
    ...options.tuning,
  };
  const caches = createCacheMetrics(options.metrics.registry);

  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath(env), 'utf8'),
    buildService({ name, url: supergraphUrl }) {
      const url = resolveSubgraphUrl(env, { name, url: supergraphUrl }, options.subgraphUrlsFromSupergraph);
      const f = createSubgraphFetcher({
        connections: env.SUBGRAPH_CONNECTIONS,
        timeoutMs: subgraphTimeout(env, name),
        client: tuning.subgraphHttpClient,
      });
      fetchers.push(f);
      return new ForwardingDataSource({ url, fetcher: f.fetcher, serviceName: name, logger });
    },
    ...(tuning.queryPlanCache ? { queryPlannerConfig: { cache: caches.cache('query_plan', tuning.queryPlanCacheEntries) as never } } : {}),
    logger: {
      debug: (m: unknown) => logger.debug(String(m)),
      info: (m: unknown) => logger.info(String(m)),
      warn: (m: unknown) => logger.warn(String(m)),
      error: (m: unknown) => logger.error(String(m)),
    },
  });

  // Limits are validation rules: an over-limit operation is refused before any subgraph is called.
  const armor = new ApolloArmor({
    maxDepth: { n: env.MAX_DEPTH },
    maxAliases: { n: env.MAX_ALIASES },
    // Counted by graphql-js's own parser (parseOptions below): armor's token plugin throws from a
    // plugin hook, which Apollo answers with a 500 instead of a 400.
    maxTokens: { enabled: false },
    costLimit: { maxCost: env.MAX_COST },
    maxDirectives: { n: env.MAX_DIRECTIVES },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();

  const metricsPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      const t0 = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const first = ctx.operation?.selectionSet.selections.find((s) => s.kind === 'Field');
          const operation = first && first.kind === 'Field' ? first.name.value : 'unknown';
          options.metrics.graphqlDuration.observe(
            { operation, result: ctx.errors?.length ? 'error' : 'ok' },
            Number(process.hrtime.bigint() - t0) / 1e9,
          );
        },
      };
    },
  };

  // After validation, before any subgraph is called: each root field costs one token of the caller's bucket.
  const limiter = env.RATE_LIMIT_PER_MINUTE > 0 ? createRateLimiter({ perMinute: env.RATE_LIMIT_PER_MINUTE }) : null;
  const rateLimitPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          if (!limiter || !ctx.contextValue.client || !ctx.operation) return;
          if (
            !limiter.take(
              ctx.contextValue.client,
              Math.max(1, rootFieldCount(ctx.operation, ctx.document ? fragmentsOf(ctx.document) : {})),
            )
          )
            throw rateLimitedError();
        },
      };
    },
  };

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production || env.INTROSPECTION,
    csrfPrevention: true,
    // Our runtime handles SIGTERM (drain, flush the outbox, commit offsets); Apollo must not race it.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter({ logger, production }),
    plugins: [
      ...(protection.plugins as ApolloServerPlugin<GatewayContext>[]),
      ApolloServerPluginLandingPageDisabled(),
      rateLimitPlugin,
      metricsPlugin,
    ],
    parseOptions: { maxTokens: env.MAX_TOKENS },
    validationRules: [...protection.validationRules, maxRootFieldOccurrences({ login: env.MAX_LOGINS_PER_OPERATION })],
    ...(tuning.documentCache ? { documentStore: caches.cache('document', tuning.documentCacheEntries) as never } : {}),
  });

  const app = express();
  app.disable('x-powered-by');
  // Behind the ingress the client address is in x-forwarded-for (rate limits of anonymous callers).
  if (env.TRUST_PROXY_HOPS > 0) app.set('trust proxy', env.TRUST_PROXY_HOPS);
  const http = createHttpListener(app);
  let draining = false;
  let started = false;
  const metricsText = options.metricsText;
  if (metricsText)
    app.get('/metrics', (_req, res) => {
      metricsText().then(
        (body) => {
          res.setHeader('content-type', options.metrics.registry.contentType);
          res.send(body);
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'cluster metrics failed');
          res.status(503).send('');
        },
      );
    });
  mountProbes(app, { readiness: async () => started, registry: options.metrics.registry, isDraining: () => draining });
  const base = (name: ServiceName) => urls[SUBGRAPH_URL_VARS[name]]!.replace(/\/graphql$/, '');
  // Public routes pass binary bodies (certificates): the fetch client keeps them as bytes.
  const publicFetcher = createSubgraphFetcher({ connections: 8, timeoutMs: 15_000, client: 'fetch' });
  fetchers.push(publicFetcher);
  mountPublicRoutes(
    app,
    [
      { path: '/.well-known/jwks.json', upstream: base('account') },
      { path: '/.well-known/certificate-keys.json', upstream: base('outcome') },
      { path: '/certificates/:file', upstream: base('outcome') },
    ],
    publicFetcher.fetcher,
    logger,
  );
  app.use(
    '/graphql',
    cors({
      origin: env.CORS_ORIGINS,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-request-id', 'traceparent', 'apollo-require-preflight'],
      maxAge: 600,
    }),
    authenticate(options.verifier),
  );

  return {
    name: 'gateway',
    url: () => `${http.url()}/graphql`,
    async start() {
      await apollo.start();
      app.use(
        '/graphql',
        express.json({ limit: env.BODY_LIMIT }),
        compressLargeResponses(tuning.compressionMinBytes),
        expressMiddleware(apollo, {
          context: async ({ req }) => {
            const r = req as AuthenticatedRequest;
            const caller = r.caller ?? { kind: 'anonymous' };
            return {
              client: caller.kind === 'user' ? `user:${caller.sub}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`,
              caller,
              requestId: r.requestId ?? '',
              ...(r.traceparent ? { traceparent: r.traceparent } : {}),
              ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
            };
          },
        }),
      );
      app.use(jsonErrorHandler(logger));
      await http.listen(env.HOST, env.PORT);
      started = true;
      logger.info({ url: `${http.url()}/graphql` }, 'gateway listening');
    },
    async stop() {
      draining = true;
      await http.close(10_000);
      await apollo.stop();
      await Promise.all(fetchers.map((f) => f.close()));
      started = false;
    },
    async ready() {
      return started && !draining;
    },
  };
}
