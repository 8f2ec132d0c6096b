import type { DocumentNode, GraphQLResolveInfo } from 'graphql';
import { GraphQLError } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Express } from 'express';
import { isAppError, type Caller, type Component, type Policy } from '@creditbank/kernel';
import type { TokenVerifier } from '@creditbank/auth';
import { currentContext, type Logger } from '@creditbank/logging';
import { createErrorFormatter } from './error-masking';
import { authenticate, type AuthenticatedRequest } from './http-auth';
import { guardResolvers } from './policy-guard';
import { createHttpListener, express, jsonErrorHandler, mountProbes } from './http-app';
import type { HttpMetrics } from './metrics';

/** The default JSON body limit of a subgraph: the gateway's default BODY_LIMIT. */
export const SUBGRAPH_BODY_LIMIT = '16mb';

/** What every resolver receives. Services extend it with their use-cases and per-request loaders. */
export interface BaseContext {
  readonly caller: Caller;
  readonly requestId: string;
  readonly traceparent?: string;
  readonly logger: Logger;
}

export type Resolvers<TContext> = GraphQLResolverMap<TContext>;
export type { GraphQLResolveInfo };

export interface SubgraphServerOptions<TContext extends BaseContext> {
  service: string;
  typeDefs: DocumentNode;
  resolvers: Resolvers<TContext>;
  /** Who may call each Query/Mutation field; every field needs a rule (default deny). */
  policy: Policy;
  host: string;
  port: number;
  logger: Logger;
  verifier: TokenVerifier;
  production: boolean;
  metrics: HttpMetrics;
  /** Readiness of the rest of the service (database, Kafka); the server adds its own. */
  readiness: () => Promise<boolean>;
  /** Per-request context: create DataLoaders here, never share them between requests. */
  buildContext: (base: BaseContext) => TContext;
  /**
   * JSON body limit. Default 16 MiB, the gateway's own default (BODY_LIMIT): the gateway forwards an
   * operation whole, so a subgraph refusing less than the gateway accepts would turn a valid request
   * at an input's limit (10,000 rules, 5,000 import rows) into a failure of the service.
   */
  bodyLimit?: string;
  /** Extra HTTP routes (e.g. a JWKS document). */
  routes?: (app: Express) => void;
  drainTimeoutMs?: number;
}

export interface SubgraphServer extends Component {
  url(): string;
}

function rootFieldOf(
  operation: { selectionSet: { selections: readonly { kind: string; name?: { value: string } }[] } } | null | undefined,
): string {
  const first = operation?.selectionSet.selections.find((s) => s.kind === 'Field');
  return first?.name?.value ?? 'unknown';
}

/**
 * A federation subgraph over HTTP: `/graphql`, `/healthz`, `/readyz`, `/metrics`. Verifies the token
 * itself (it must be safe to call directly, without the gateway), masks errors, drains on stop.
 */
export function createSubgraphServer<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>): SubgraphServer {
  const log = options.logger;
  const app = express();
  app.disable('x-powered-by');
  const http = createHttpListener(app);
  let draining = false;
  let started = false;

  const metricsPlugin: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      const t0 = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          const operation = rootFieldOf(ctx.operation);
          const result = ctx.errors?.length ? 'error' : 'ok';
          options.metrics.graphqlDuration.observe({ operation, result }, seconds);
          // One access line per operation: what, how long, which error codes. Never variables or data.
          log.info(
            {
              operation,
              type: ctx.operation?.operation ?? 'unknown',
              ms: Math.round(seconds * 1000),
              ...(ctx.errors?.length ? { errorCodes: ctx.errors.map(errorCodeOf) } : {}),
            },
            'graphql',
          );
        },
      };
    },
  };

  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([
      {
        typeDefs: options.typeDefs,
        resolvers: guardResolvers(options.typeDefs, options.resolvers, options.policy) as GraphQLResolverMap<unknown>,
      },
    ]),
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Our runtime handles SIGTERM (drain, flush the outbox, commit offsets); Apollo must not race it.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({ logger: log, production: options.production }),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), metricsPlugin],
    logger: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.info(m),
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
  });

  mountProbes(app, {
    readiness: async () => started && (await options.readiness()),
    registry: options.metrics.registry,
    isDraining: () => draining,
  });
  options.routes?.(app);

  // Identity and request context for everything below: the province comes from the token only.
  app.use('/graphql', authenticate(options.verifier));

  return {
    name: `http:${options.service}`,
    url: () => `${http.url()}/graphql`,
    async start() {
      await apollo.start();
      app.use(
        '/graphql',
        express.json({ limit: options.bodyLimit ?? SUBGRAPH_BODY_LIMIT }),
        expressMiddleware(apollo, {
          context: async ({ req }) => {
            const r = req as AuthenticatedRequest;
            if (!r.caller || !r.requestId) throw new GraphQLError('Unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } });
            const ctx = currentContext();
            return options.buildContext({
              caller: r.caller,
              requestId: r.requestId,
              ...(r.traceparent ? { traceparent: r.traceparent } : {}),
              logger: log.child({ reqId: ctx?.requestId ?? r.requestId }),
            });
          },
        }),
      );
      app.use(jsonErrorHandler(log));
      await http.listen(options.host, options.port);
      started = true;
      log.info({ url: `${http.url()}/graphql` }, `${options.service} subgraph listening`);
    },
    async stop() {
      draining = true;
      await http.close(options.drainTimeoutMs ?? 10_000);
      await apollo.stop();
      started = false;
    },
    async ready() {
      return started && !draining;
    },
  };
}

/** The client-facing code of an error as the access log records it (application errors carry theirs). */
export function errorCodeOf(e: GraphQLError): string {
  const code = e.extensions?.['code'];
  if (typeof code === 'string') return code;
  const original = e.originalError;
  return isAppError(original) ? original.code : 'INTERNAL_SERVER_ERROR';
}
