import { DataLoader, type BaseContext } from '@creditbank/server';
import type { NodeStats } from '../domain/facts';
import type { AccountFactStore } from '../use-cases/ports';
import { nodeStats, parsePeriodBound } from '../use-cases/node-stats.use-case';

export interface AnalyticsDeps {
  accountFacts: AccountFactStore;
}

export interface AnalyticsContext extends BaseContext {
  deps: AnalyticsDeps;
  /** Node stats batched per (from, to) period. */
  nodeStats(from: string | null | undefined, to: string | null | undefined): DataLoader<string, NodeStats>;
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
          loader = new DataLoader((ids: readonly string[]) => nodeStats(deps.accountFacts, base.caller, ids, from, to));
          byPeriod.set(key, loader);
        }
        return loader;
      },
    };
  };
}
