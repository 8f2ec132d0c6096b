import { STRUCTURED_CONTENT_TYPE, type OutgoingEvent } from '@creditbank/contracts';

/**
 * Transactional outbox without multi-document transactions (DESIGN.md §5): the events of a state
 * change are written into the changed document itself, in the same single-document write, under
 * `_outbox.<eventId>`; `_outboxCount` (indexed) says how many are pending. The relay publishes them
 * and removes each with a conditional `$unset` + `$inc -1`, so a concurrent write that adds new
 * events is never lost and no event is removed twice.
 */
export const OUTBOX_FIELD = '_outbox';
export const OUTBOX_COUNT_FIELD = '_outboxCount';

export interface OutboxEntry {
  /** Event id (also the key under `_outbox`). */
  id: string;
  /** Sort order: the time the change was made, plus the event's position within it. */
  seq: number;
  topic: string;
  key: string;
  /** The serialized CloudEvent, exactly the bytes that will be published. */
  value: string;
  traceparent?: string;
}

let lastSeq = 0;
/** Monotonic within a process: ms timestamp scaled, so events of one change keep their order. */
function nextSeq(): number {
  const now = Date.now() * 1000;
  lastSeq = now > lastSeq ? now : lastSeq + 1;
  return lastSeq;
}

export function toOutboxEntry(out: OutgoingEvent): OutboxEntry {
  return {
    id: out.event.id,
    seq: nextSeq(),
    topic: out.topic,
    key: out.key,
    value: JSON.stringify(out.event),
    ...(out.event.traceparent ? { traceparent: out.event.traceparent } : {}),
  };
}

/** Fields for a document inserted together with its events. */
export function outboxOnInsert(events: readonly OutgoingEvent[]): { _outbox: Record<string, OutboxEntry>; _outboxCount: number } {
  const map: Record<string, OutboxEntry> = {};
  for (const e of events) map[e.event.id] = toOutboxEntry(e);
  return { _outbox: map, _outboxCount: events.length };
}

type UpdateDoc = Record<string, unknown> & { $set?: Record<string, unknown>; $inc?: Record<string, number> };

/** Add events to an update document (`$set` the entries, `$inc` the counter) — one atomic write. */
export function withOutbox<U extends UpdateDoc>(update: U, events: readonly OutgoingEvent[]): U {
  if (events.length === 0) return update;
  const $set: Record<string, unknown> = { ...(update.$set ?? {}) };
  for (const e of events) $set[`${OUTBOX_FIELD}.${e.event.id}`] = toOutboxEntry(e);
  const $inc: Record<string, number> = { ...(update.$inc ?? {}) };
  $inc[OUTBOX_COUNT_FIELD] = ($inc[OUTBOX_COUNT_FIELD] ?? 0) + events.length;
  return { ...update, $set, $inc };
}

/** Mongoose schema fields for a document type that carries an outbox. */
export const outboxSchemaFields = {
  [OUTBOX_FIELD]: { type: Object, default: () => ({}) },
  [OUTBOX_COUNT_FIELD]: { type: Number, default: 0, index: true },
} as const;

export function kafkaHeadersOf(entry: OutboxEntry): Record<string, string> {
  return {
    'content-type': STRUCTURED_CONTENT_TYPE,
    ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
  };
}
