import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { anyEnvelopeSchema, type CloudEvent } from './envelope';
import { EVENT_CATALOG, eventDefinition } from './catalog';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);

const validateEnvelope = ajv.compile(anyEnvelopeSchema);
const dataValidators = new Map<string, ValidateFunction>(EVENT_CATALOG.map((d) => [d.type, ajv.compile(d.data)]));

function describe(errors: ErrorObject[] | null | undefined, prefix: string): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${prefix}${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

export class EventValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventValidationError';
  }
}

/** Validate a whole envelope, including its data against the schema of its type. */
export function assertValidEvent(event: unknown): asserts event is CloudEvent {
  if (!validateEnvelope(event)) throw new EventValidationError(`invalid envelope: ${describe(validateEnvelope.errors, '')}`);
  const validateData = dataValidators.get((event as CloudEvent).type);
  if (!validateData) throw new EventValidationError(`unknown event type ${(event as CloudEvent).type}`);
  if (!validateData(event.data))
    throw new EventValidationError(`invalid ${(event as CloudEvent).type}: ${describe(validateData.errors, 'data')}`);
}

export type ParsedEvent = { ok: true; event: CloudEvent } | { ok: false; reason: 'malformed' | 'invalid' | 'unknown-type'; error: string };

/** Decode and validate bytes from Kafka. Never throws. */
export function parseEvent(bytes: Buffer | string | null): ParsedEvent {
  if (bytes === null) return { ok: false, reason: 'malformed', error: 'empty message' };
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'malformed', error: `not JSON: ${(e as Error).message}` };
  }
  if (!validateEnvelope(value))
    return { ok: false, reason: 'invalid', error: `invalid envelope: ${describe(validateEnvelope.errors, '')}` };
  const event = value as CloudEvent;
  if (!eventDefinition(event.type)) return { ok: false, reason: 'unknown-type', error: `unknown event type ${event.type}` };
  try {
    assertValidEvent(event);
  } catch (e) {
    return { ok: false, reason: 'invalid', error: (e as Error).message };
  }
  return { ok: true, event };
}
