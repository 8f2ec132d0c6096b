import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';
import { verifyOnePendingIdentity, type VerifyPendingDeps } from '../use-cases/verify-pending-identity.use-case';

/** Background loop deciding pending online registrations, with back-off per account. */
export function createVerificationWorker(deps: VerifyPendingDeps & { intervalMs: number; logger: Logger }): Component {
  const log = deps.logger.child({ component: 'verification-worker' });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  async function drain(): Promise<void> {
    // Work through everything due now, then sleep until the next tick.
    for (let i = 0; i < 100 && !stopped; i++) {
      const outcome = await verifyOnePendingIdentity(deps, new Date());
      if (outcome.kind === 'none') return;
      if (outcome.kind === 'postponed') log.info({ accountNo: outcome.accountNo, next: outcome.next }, 'identity verification postponed');
      else log.info({ accountNo: outcome.learner.accountNo, result: outcome.kind }, 'identity verification decided');
    }
  }

  function tick() {
    running = drain()
      .catch((error: unknown) => log.warn({ err: error }, 'verification pass failed'))
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, deps.intervalMs);
      });
  }

  return {
    name: 'verification-worker',
    async start() {
      stopped = false;
      timer = setTimeout(tick, deps.intervalMs);
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
