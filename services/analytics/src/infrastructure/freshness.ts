import { Gauge, Summary, type Registry } from 'prom-client';

/**
 * Read-model freshness on /metrics: the lag from an event's time to the moment its effect was stored
 * in the read models, per source topic — the last value (gauge), a sliding-window summary (p50, p95,
 * p99 over the last minute), and the newest event time applied.
 */
export interface FreshnessTracker {
  observe(topic: string, eventTime: string): void;
  /** Last lag and newest event time per topic, as this process saw them. */
  snapshot(): { topic: string; lastLagSeconds: number; lastEventAt: string }[];
}

export function createFreshnessTracker(registry: Registry): FreshnessTracker {
  const last = new Gauge({
    name: 'creditbank_analytics_read_model_lag_seconds',
    help: 'Seconds from the time of the most recently applied event to its effect in the analytics read models',
    labelNames: ['topic'],
    registers: [registry],
  });
  const window = new Summary({
    name: 'creditbank_analytics_read_model_lag_window_seconds',
    help: 'Event-to-read-model lag over the last minute (sliding window)',
    labelNames: ['topic'],
    percentiles: [0.5, 0.95, 0.99],
    maxAgeSeconds: 60,
    ageBuckets: 6,
    registers: [registry],
  });
  const newest = new Gauge({
    name: 'creditbank_analytics_last_event_timestamp_seconds',
    help: 'Time of the newest event applied to the analytics read models (Unix seconds)',
    labelNames: ['topic'],
    registers: [registry],
  });
  const state = new Map<string, { lastLagSeconds: number; lastEventAt: string }>();
  return {
    observe(topic, eventTime) {
      const t = Date.parse(eventTime);
      if (!Number.isFinite(t)) return;
      const lag = Math.max(0, (Date.now() - t) / 1000);
      last.set({ topic }, lag);
      window.observe({ topic }, lag);
      const prev = state.get(topic);
      if (!prev || eventTime > prev.lastEventAt) newest.set({ topic }, t / 1000);
      state.set(topic, { lastLagSeconds: lag, lastEventAt: !prev || eventTime > prev.lastEventAt ? eventTime : prev.lastEventAt });
    },
    snapshot() {
      return [...state].map(([topic, s]) => ({ topic, ...s }));
    },
  };
}
