import { NATIONAL_PROVINCE, type EventMeta } from '@creditbank/contracts';
import type { CommandContext } from '@creditbank/kernel';

export const SOURCE = '/creditbank/standards';

/** Event metadata; national catalogue items have no province and carry NATIONAL_PROVINCE. */
export function metaOf(ctx: CommandContext, province: string | null): EventMeta {
  return {
    province: province ?? NATIONAL_PROVINCE,
    source: SOURCE,
    time: ctx.now,
    requestId: ctx.requestId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}

/** Retry an optimistic update a few times when another request changed the record meanwhile. */
export async function withRetry<T>(attempt: () => Promise<T | null>, tries = 4): Promise<T | null> {
  for (let i = 0; i < tries; i++) {
    const result = await attempt();
    if (result !== null) return result;
  }
  return null;
}
