import { randomUUID } from 'node:crypto';
import type { Static, TObject } from '@sinclair/typebox';
import { CLOUD_EVENTS_SPEC_VERSION, EVENT_CONTENT_TYPE, type CloudEvent } from './envelope';
import type { EventDefinition } from './event-definition';
import { assertValidEvent } from './validation';

export interface EventMeta {
  province: string;
  /** e.g. `/creditbank/account`. */
  source: string;
  id?: string;
  time?: Date;
  requestId?: string;
  traceparent?: string;
}

/** A domain event ready for the outbox: the envelope plus its partition key and topic. */
export interface OutgoingEvent<D = unknown> {
  topic: string;
  key: string;
  event: CloudEvent<D>;
}

/** Build and validate an event. Invalid data is a programming error and throws. */
export function createEvent<S extends TObject>(definition: EventDefinition<S>, data: Static<S>, meta: EventMeta): OutgoingEvent<Static<S>> {
  const event: CloudEvent<Static<S>> = {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    id: meta.id ?? randomUUID(),
    source: meta.source,
    type: definition.type,
    time: (meta.time ?? new Date()).toISOString(),
    subject: definition.subject(data),
    datacontenttype: EVENT_CONTENT_TYPE,
    province: meta.province,
    ...(meta.requestId ? { requestid: meta.requestId } : {}),
    ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    data,
  };
  assertValidEvent(event);
  return { topic: definition.topic, key: definition.key(data), event };
}

/** Event metadata from a use-case's command context (request id and trace travel with the event). */
export function metaFrom(ctx: { requestId: string; traceparent?: string; now: Date }, province: string, source: string): EventMeta {
  return { province, source, time: ctx.now, requestId: ctx.requestId, ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}) };
}
