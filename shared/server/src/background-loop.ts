import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';

/**
 * A loop that runs a job every `intervalMs` (and once at start), one run at a time; stop waits for the
 * run in progress; `kick()` asks for a run now (one more after the current one, never two at once).
 * Used for sweeps that finish interrupted work and for dispatchers.
 */
export function createBackgroundLoop(
  name: string,
  intervalMs: number,
  job: () => Promise<unknown>,
  logger: Logger,
): Component & { kick(): void } {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await job();
        } catch (error) {
          logger.warn({ err: error, loop: name }, 'background job failed; will retry');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await run();
      schedule();
    }, intervalMs);
    timer.unref?.();
  };
  return {
    name,
    async start() {
      stopped = false;
      void run();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    async ready() {
      return !stopped;
    },
    kick() {
      if (!stopped) void run();
    },
  };
}
