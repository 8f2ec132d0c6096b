import type { Caller } from './caller';

/** What a use-case knows about the request that invoked it (no transport types). */
export interface CommandContext {
  readonly caller: Caller;
  readonly requestId: string;
  readonly traceparent?: string;
  readonly now: Date;
}
