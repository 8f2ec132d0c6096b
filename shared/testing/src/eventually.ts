import { setTimeout as sleep } from 'node:timers/promises';

/** Retry an assertion until it passes or the time is up (for asynchronous, event-driven effects). */
export async function eventually<T>(fn: () => Promise<T> | T, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await sleep(options.intervalMs ?? 100);
  }
}
