import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What travels with a unit of work (an HTTP request, a consumed event): propagated
 * gateway → subgraph (headers) → event (CloudEvents extension attributes) → consumer.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly province?: string;
  /** W3C trace context header value, when one came in. */
  readonly traceparent?: string;
  /** What started the work: an HTTP request or a consumed event (metrics tell them apart). */
  readonly origin?: 'http' | 'event';
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Header names used across the platform. */
export const REQUEST_ID_HEADER = 'x-request-id';
export const TRACEPARENT_HEADER = 'traceparent';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Accept a caller-supplied request id only if it is short and harmless; otherwise mint one. */
export function requestIdFrom(value: unknown): string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value) ? value : randomUUID();
}

export function traceparentFrom(value: unknown): string | undefined {
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}
