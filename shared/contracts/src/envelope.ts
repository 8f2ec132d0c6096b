import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * CloudEvents 1.0, structured JSON mode. `province`, `requestid` and `traceparent` are extension
 * attributes (lower-case alphanumerics, as the spec requires).
 */
export const CLOUD_EVENTS_SPEC_VERSION = '1.0';
export const EVENT_CONTENT_TYPE = 'application/json';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export const envelopeSchema = <D extends TSchema>(data: D) =>
  Type.Object(
    {
      specversion: Type.Literal(CLOUD_EVENTS_SPEC_VERSION, { description: 'CloudEvents specification version' }),
      id: Type.String({ format: 'uuid', description: 'Unique event id; consumers deduplicate by it' }),
      source: Type.String({ minLength: 1, maxLength: 200, description: 'Producing service, e.g. /creditbank/account' }),
      type: Type.String({ pattern: '^creditbank\\.[a-z-]+\\.[a-z-]+\\.v[0-9]+$', description: 'Event type, versioned' }),
      time: Type.String({ format: 'date-time', description: 'When the change happened (UTC)' }),
      subject: Type.String({ minLength: 1, maxLength: 200, description: 'The entity the event is about' }),
      datacontenttype: Type.Literal(EVENT_CONTENT_TYPE),
      province: Type.String({ pattern: '^[1-9][0-9]$', description: 'Two-digit GB/T 2260 province code' }),
      requestid: Type.Optional(Type.String({ maxLength: 128, description: 'Request id of the change that caused it' })),
      traceparent: Type.Optional(Type.String({ maxLength: 55, description: 'W3C trace context' })),
      data,
    },
    { additionalProperties: false },
  );

export const anyEnvelopeSchema = envelopeSchema(Type.Unknown());

export type CloudEvent<D = unknown> = Omit<Static<typeof anyEnvelopeSchema>, 'data'> & { data: D };
