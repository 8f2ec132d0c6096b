import type { HandlerRegistration } from '@creditbank/events';
import type { FreshnessTracker } from '../infrastructure/freshness';
import type { FactWriter } from '../use-cases/ports';

/** Every handler, measured: after the effect is stored, record the event-to-read-model lag. */
export function withFreshness(
  registrations: readonly HandlerRegistration[],
  tracker: FreshnessTracker,
  facts: FactWriter,
): HandlerRegistration[] {
  return registrations.map((r) => ({
    definition: r.definition,
    handler: async (event, ctx) => {
      await r.handler(event, ctx);
      tracker.observe(ctx.topic, event.time);
      await facts.eventApplied(ctx.topic, event.time);
    },
  }));
}
