import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  graphqlDuration: Histogram<'operation' | 'result'>;
}

/** A registry per service (several services may share a process in tests), with process metrics. */
export function createMetricsRegistry(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const graphqlDuration = new Histogram({
    name: 'creditbank_graphql_duration_seconds',
    help: 'GraphQL operation duration by root field and result',
    labelNames: ['operation', 'result'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, graphqlDuration };
}
