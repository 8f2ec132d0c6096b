import { BadInputError } from '@creditbank/kernel';
import { DataLoader, type BaseContext } from '@creditbank/server';
import type { NodeStats } from '../domain/facts';
import type { LearnerProfile } from '../domain/profile';
import type { AnalyticsSettings } from '../use-cases/analytics-queries.use-case';
import type { FactReader, IndicatorStore } from '../use-cases/ports';
import { nodeStats, parsePeriodBound } from '../use-cases/node-stats.use-case';
import { getProfiles } from '../use-cases/learner-insights.use-case';
import type { FreshnessTracker } from '../infrastructure/freshness';

export interface AnalyticsDeps {
  reader: FactReader;
  indicators: IndicatorStore;
  settings: AnalyticsSettings;
  generation: () => string;
  freshness: FreshnessTracker;
  now: () => Date;
}

export interface AnalyticsContext extends BaseContext {
  deps: AnalyticsDeps;
  /** Node stats batched per (from, to) period. */
  nodeStats(from: string | null | undefined, to: string | null | undefined): DataLoader<string, NodeStats>;
  /** Learner profiles, batched. */
  profiles: DataLoader<string, LearnerProfile>;
}

export function buildAnalyticsContext(deps: AnalyticsDeps) {
  return (base: BaseContext): AnalyticsContext => {
    const byPeriod = new Map<string, DataLoader<string, NodeStats>>();
    return {
      ...base,
      deps,
      nodeStats(fromRaw, toRaw) {
        const key = `${fromRaw ?? ''}|${toRaw ?? ''}`;
        let loader = byPeriod.get(key);
        if (!loader) {
          const from = parsePeriodBound(fromRaw, 'from', false);
          const to = parsePeriodBound(toRaw, 'to', true);
          if (from && to && from > to) throw new BadInputError('from must not be after to', 'from');
          loader = new DataLoader((ids: readonly string[]) => nodeStats(deps.reader, base.caller, ids, from, to), { maxBatchSize: 200 });
          byPeriod.set(key, loader);
        }
        return loader;
      },
      profiles: new DataLoader((ids: readonly string[]) => getProfiles(deps.reader, base.caller, ids, deps.now()), { maxBatchSize: 200 }),
    };
  };
}
