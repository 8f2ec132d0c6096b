import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface EventMetrics {
  published: Counter<'topic'>;
  consumed: Counter<'group' | 'type' | 'result'>;
  deadLettered: Counter<'group' | 'topic' | 'reason'>;
  /** Seconds from the event's `time` to the moment its effect was stored (read-model freshness). */
  lagSeconds: Histogram<'group'>;
  lastLagSeconds: Gauge<'group'>;
}

export function createEventMetrics(registry: Registry): EventMetrics {
  return {
    published: new Counter({
      name: 'creditbank_events_published_total',
      help: 'Events published from the outbox',
      labelNames: ['topic'],
      registers: [registry],
    }),
    consumed: new Counter({
      name: 'creditbank_events_consumed_total',
      help: 'Events consumed, by result (applied, duplicate, ignored, dead-lettered)',
      labelNames: ['group', 'type', 'result'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'creditbank_events_dead_lettered_total',
      help: 'Messages sent to a dead-letter topic',
      labelNames: ['group', 'topic', 'reason'],
      registers: [registry],
    }),
    lagSeconds: new Histogram({
      name: 'creditbank_event_lag_seconds',
      help: 'Event time to effect stored, seconds',
      labelNames: ['group'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    lastLagSeconds: new Gauge({
      name: 'creditbank_event_lag_last_seconds',
      help: 'Lag of the most recently applied event, seconds',
      labelNames: ['group'],
      registers: [registry],
    }),
  };
}
