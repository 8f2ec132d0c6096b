import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';
import { reconcileIntakePointIndex } from '../use-cases/intake-point-index.use-case';
import type { IntakePointIndex, ServiceNodeStore } from '../use-cases/ports';

/**
 * Keeps the intake-point position index in step with the nodes: once shortly after start, then every
 * `intervalMs`. Normally it finds nothing to do (every node write updates the index right away); it
 * repairs what a crash between a node write and its index write left behind.
 */
export function createIndexReconciler(deps: {
  nodes: ServiceNodeStore;
  index: IntakePointIndex;
  intervalMs: number;
  logger: Logger;
}): Component {
  const log = deps.logger.child({ component: 'intake-point-index' });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  function tick() {
    running = reconcileIntakePointIndex(deps)
      .then((fixed) => {
        if (fixed > 0) log.info({ fixed }, 'intake-point index repaired');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'intake-point index reconciliation failed'))
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, deps.intervalMs);
      });
  }

  return {
    name: 'intake-point-index',
    async start() {
      stopped = false;
      timer = setTimeout(tick, Math.min(1_000, deps.intervalMs));
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    async ready() {
      return true;
    },
  };
}
