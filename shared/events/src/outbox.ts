import { STRUCTURED_CONTENT_TYPE, type OutgoingEvent } from '@creditbank/contracts';

/**
 * Transactional outbox without multi-document transactions (DESIGN.md §5): the events of a state
 * change are written into the changed document itself, in the same single-document write, under
 * `_outbox.<eventId>`; `_outboxCount` (indexed) says a document has pending events and
 * `_outboxWrite` names the write that last added some. The relay publishes the entries, then clears
 * every document of one write with a single `updateMany({ _id: { $in }, _outboxWrite })`: a document
 * changed meanwhile carries a new `_outboxWrite`, is left alone and is published again later (at
 * least once; consumers deduplicate by event id). A bulk import that inserts thousands of documents
 * in one write is cleared in one statement.
 */
export const OUTBOX_FIELD = '_outbox';
export const OUTBOX_COUNT_FIELD = '_outboxCount';
export const OUTBOX_WRITE_FIELD = '_outboxWrite';
/** On every document of a bulk insert: the write whose bulk outbox holds its first events (`bulk-outbox.ts`). */
export const BULK_WRITE_FIELD = '_bulkWrite';

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
let writes = 0;

/** A token for one write (shared by all documents of one bulk insert). */
export function newOutboxWrite(): string {
  writes = (writes + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${writes.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
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

/** Fields for a document inserted together with its events; pass one `write` for all documents of a bulk insert. */
export function outboxOnInsert(
  events: readonly OutgoingEvent[],
  write: string = newOutboxWrite(),
): { _outbox: Record<string, OutboxEntry>; _outboxCount: number; _outboxWrite: string | null } {
  const map: Record<string, OutboxEntry> = {};
  for (const e of events) map[e.event.id] = toOutboxEntry(e);
  return { _outbox: map, _outboxCount: events.length, _outboxWrite: events.length ? write : null };
}

type UpdateDoc = Record<string, unknown> & { $set?: Record<string, unknown>; $inc?: Record<string, number> };

/** Add events to an update document (`$set` the entries, `$inc` the counter) — one atomic write. */
export function withOutbox<U extends UpdateDoc>(update: U, events: readonly OutgoingEvent[]): U {
  if (events.length === 0) return update;
  const $set: Record<string, unknown> = { ...(update.$set ?? {}) };
  for (const e of events) $set[`${OUTBOX_FIELD}.${e.event.id}`] = toOutboxEntry(e);
  $set[OUTBOX_WRITE_FIELD] = newOutboxWrite();
  const $inc: Record<string, number> = { ...(update.$inc ?? {}) };
  $inc[OUTBOX_COUNT_FIELD] = ($inc[OUTBOX_COUNT_FIELD] ?? 0) + events.length;
  return { ...update, $set, $inc };
}

/** Mongoose schema fields for a document type that carries an outbox. */
export const outboxSchemaFields = {
  [OUTBOX_FIELD]: { type: Object, default: () => ({}) },
  [OUTBOX_COUNT_FIELD]: { type: Number, default: 0, index: true },
  [OUTBOX_WRITE_FIELD]: { type: String, default: null },
  [BULK_WRITE_FIELD]: { type: String },
} as const;

export function kafkaHeadersOf(entry: OutboxEntry): Record<string, string> {
  return {
    'content-type': STRUCTURED_CONTENT_TYPE,
    ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
  };
}

/** Leave the outbox out of reads: `find(filter, { ...OUTBOX_HIDDEN, … })`. */
export const OUTBOX_HIDDEN = { [OUTBOX_FIELD]: 0, [OUTBOX_COUNT_FIELD]: 0, [OUTBOX_WRITE_FIELD]: 0, [BULK_WRITE_FIELD]: 0 } as const;
