import type { Db } from 'mongodb';
import type { Response } from 'express';
import { loadEnv } from '@creditbank/config';
import { authorize, isAppError } from '@creditbank/kernel';
import {
  allReady,
  authenticate,
  createServiceKit,
  createSubgraphServer,
  loadSchemaFile,
  mergeResolvers,
  runMain,
  startComponents,
  type AuthenticatedRequest,
  type ServiceKit,
  type StartedService,
} from '@creditbank/server';
import type { HandlerRegistration } from '@creditbank/events';
import type { Component } from '@creditbank/kernel';
import { analyticsEnvSchema, type AnalyticsEnv } from './env';
import { buildAnalyticsContext } from './graphql/context';
import { analyticsPolicy } from './graphql/policy';
import { analyticsResolvers } from './graphql/analytics.resolver';
import { learnerInsightsResolvers } from './graphql/learner-insights.resolver';
import { nodeStatsResolvers } from './graphql/node-stats.resolver';
import { trainingReportResolvers } from './graphql/training-report.resolver';
import { createIndicatorRepository, createReadModelRepository } from './persistence/read-model.repository';
import { createGenerationTracker } from './persistence/generation.repository';
import { accountEventHandlers } from './events/account-events.handler';
import { outcomeEventHandlers } from './events/outcome-events.handler';
import { standardsEventHandlers } from './events/standards-events.handler';
import { networkEventHandlers } from './events/network-events.handler';
import { conversionEventHandlers } from './events/conversion-events.handler';
import { withFreshness } from './events/freshness';
import { createFreshnessTracker, type FreshnessTracker } from './infrastructure/freshness';
import { getTrainingReport } from './use-cases/training-report.use-case';
import type { FactWriter } from './use-cases/ports';

export const typeDefs = loadSchemaFile(__dirname);

/** The native database handle behind the service's Mongo connection. */
export function nativeDb(kit: ServiceKit): () => Db {
  return () => kit.mongo.connection.db as unknown as Db;
}

/** Every read-model handler, over every topic, measured for freshness. */
export function readModelHandlers(facts: FactWriter, freshness: FreshnessTracker): HandlerRegistration[] {
  return withFreshness(
    [
      ...accountEventHandlers(facts),
      ...outcomeEventHandlers(facts),
      ...standardsEventHandlers(facts),
      ...networkEventHandlers(facts),
      ...conversionEventHandlers(facts),
    ],
    freshness,
    facts,
  );
}

function sendError(res: Response, error: unknown): void {
  if (isAppError(error)) {
    const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409 }[error.code];
    res.status(status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
    return;
  }
  res.status(500).json({ errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

/** The only wiring point of the analytics service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env: AnalyticsEnv = loadEnv(analyticsEnvSchema, source);
  const kit = createServiceKit('analytics', env);
  const db = nativeDb(kit);

  const generations = createGenerationTracker(db, env.ANALYTICS_GENERATION_REFRESH_MS);
  const store = createReadModelRepository({ db, generation: generations.current });
  const indicators = createIndicatorRepository(db);
  const freshness = createFreshnessTracker(kit.metrics.registry);
  const generationComponent: Component = {
    name: 'read-model-generation',
    async start() {
      await generations.refresh();
      generations.start();
    },
    async stop() {
      generations.stop();
    },
    async ready() {
      return true;
    },
  };
  const readModels = kit.consumer('read-models', readModelHandlers(store, freshness), {
    applyConcurrency: env.ANALYTICS_APPLY_CONCURRENCY,
  });

  const settings = { minPopulation: env.ANALYTICS_MIN_POPULATION, minHouseholdMembers: env.ANALYTICS_MIN_HOUSEHOLD_MEMBERS };
  const deps = { reader: store, indicators, settings, generation: generations.current, freshness, now: () => new Date() };
  const components = [kit.mongo, kit.topics, kit.publisher, generationComponent, readModels];
  const server = createSubgraphServer({
    service: 'analytics',
    typeDefs,
    resolvers: mergeResolvers(analyticsResolvers, learnerInsightsResolvers, nodeStatsResolvers, trainingReportResolvers),
    policy: analyticsPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    routes: (app) => {
      // The monthly report as a download: same token, same rules as the trainingReport query.
      app.get('/reports/:province/:file', authenticate(kit.verifier), async (req: AuthenticatedRequest, res) => {
        const m = /^(\d{4}-\d{2})\.(csv|html)$/.exec(String(req.params['file'] ?? ''));
        if (!m) {
          res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
          return;
        }
        try {
          const caller = req.caller ?? { kind: 'anonymous' as const };
          const province = String(req.params['province'] ?? '');
          authorize(caller, analyticsPolicy['Query.trainingReport'], { province });
          const report = await getTrainingReport(store, caller, province, m[1] as string, new Date());
          const name = `training-report-${province}-${m[1]}.${m[2]}`;
          res.setHeader('content-disposition', `attachment; filename="${name}"`);
          res.setHeader('cache-control', 'private, no-store');
          if (m[2] === 'csv') res.type('text/csv; charset=utf-8').send(report.csv());
          else res.type('text/html; charset=utf-8').send(report.html());
        } catch (error) {
          if (!isAppError(error)) kit.logger.error({ err: error }, 'report download failed');
          sendError(res, error);
        }
      });
    },
    buildContext: buildAnalyticsContext(deps),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
