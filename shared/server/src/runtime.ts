import type { Component } from '@creditbank/kernel';
import type { Logger } from '@creditbank/logging';

export interface Runtime {
  readonly components: readonly Component[];
  ready(): Promise<boolean>;
  /** Stop in reverse order of start: stop accepting, drain, flush the outbox, commit offsets, close. */
  stop(): Promise<void>;
}

/** Start components in order; if one fails, stop those already started and rethrow. */
export async function startComponents(components: readonly Component[], logger: Logger): Promise<Runtime> {
  const started: Component[] = [];
  try {
    for (const c of components) {
      const t0 = Date.now();
      await c.start();
      started.push(c);
      logger.debug({ component: c.name, ms: Date.now() - t0 }, 'component started');
    }
  } catch (error) {
    logger.error({ err: error }, 'start-up failed; stopping what started');
    await stopAll(started, logger);
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    components,
    async ready() {
      const states = await Promise.all(components.map((c) => c.ready().catch(() => false)));
      return states.every(Boolean);
    },
    stop() {
      stopping ??= stopAll(started, logger);
      return stopping;
    },
  };
}

async function stopAll(components: readonly Component[], logger: Logger): Promise<void> {
  for (const c of [...components].reverse()) {
    const t0 = Date.now();
    try {
      await c.stop();
      logger.debug({ component: c.name, ms: Date.now() - t0 }, 'component stopped');
    } catch (error) {
      logger.warn({ err: error, component: c.name }, 'component failed to stop cleanly');
    }
  }
}

/**
 * Run a service's `main` as a process: SIGTERM/SIGINT stop it gracefully within a deadline and exit 0;
 * a failed start exits 1 with the reason logged.
 */
export function runMain(main: () => Promise<{ runtime: Runtime; logger: Logger; shutdownTimeoutMs: number }>): void {
  main().then(
    ({ runtime, logger, shutdownTimeoutMs }) => {
      let signalled = false;
      const shutdown = (signal: NodeJS.Signals) => {
        if (signalled) return;
        signalled = true;
        logger.info({ signal }, 'shutting down');
        const deadline = setTimeout(() => {
          logger.error({ shutdownTimeoutMs }, 'shutdown deadline passed; exiting');
          process.exit(1);
        }, shutdownTimeoutMs);
        deadline.unref();
        runtime.stop().then(
          () => {
            logger.info('stopped');
            logger.flush();
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    },
    (error: unknown) => {
      // The logger may not exist yet (bad configuration): print plainly.
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** Readiness of several components together (for the HTTP server's /readyz). */
export function allReady(components: readonly Component[]): () => Promise<boolean> {
  return async () => (await Promise.all(components.map((c) => c.ready().catch(() => false)))).every(Boolean);
}

/** What a service's `main()` returns: the running components and where it listens. */
export interface StartedService {
  runtime: Runtime;
  /** The GraphQL endpoint. */
  url: string;
  logger: Logger;
  shutdownTimeoutMs: number;
}
