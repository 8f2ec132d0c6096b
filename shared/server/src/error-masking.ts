import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isAppError } from '@creditbank/kernel';
import { currentContext, type Logger } from '@creditbank/logging';
import { isTransientDatabaseError } from '@creditbank/mongo';

/** Codes produced by GraphQL itself for a bad request: safe to show as they are. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'TOO_MANY_REQUESTS',
]);

/**
 * A service the request needed failed (the gateway sets these for a subgraph call that timed out or
 * could not be made): the client gets a fixed message, the code and the trace id, never the cause.
 */
const DEPENDENCY_MESSAGES: Record<string, string> = {
  SERVICE_TIMEOUT: 'A service needed for this request did not answer in time',
  SERVICE_UNAVAILABLE: 'A service needed for this request is unavailable',
};

/**
 * A subgraph whose database is unreachable (stopped, failing over, network split) answers this with
 * `SERVICE_UNAVAILABLE` within the driver's bounded wait: the client may retry, with the same natural
 * or idempotency key when it was a mutation (it may or may not have been applied).
 */
const DATABASE_UNAVAILABLE = 'The service cannot reach its database right now; retry the request';

/**
 * GraphQL's input coercion errors repeat the submitted value ("Variable "$rows" got invalid value
 * { idNumber: "…", name: "…" } at …"), which may be personal data and may be megabytes long. Keep
 * the variable, the path and the reason; drop every value.
 */
export function withoutInputValues(message: string): string {
  const head = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value/.exec(message);
  if (head) {
    const name = head[1]!;
    const at = new RegExp(` at "(${name}(?:\\[\\d+\\]|\\.[A-Za-z_][A-Za-z0-9_]*)*)"; (.*)$`, 's').exec(message);
    // A missing required field has no path: keep graphql-js's fixed sentence naming it (no value in it).
    const missing = at ? null : /; (Field "[A-Za-z_][A-Za-z0-9_]*" of required type "[^"]+" was not provided\.)$/.exec(message);
    const reason = at ? stripValue(at[2]!) : (missing?.[1] ?? '');
    return `Variable "$${name}" got an invalid value${at ? ` at "${at[1]}"` : ''}${reason ? `; ${reason}` : ''}`;
  }
  return stripValue(message);
}

/** "String cannot represent a non string value: 123" → without the value; likewise ", found …". */
function stripValue(reason: string): string {
  return reason
    .replace(/(cannot represent[^:]*):.*$/s, '$1.')
    .replace(/(Expected value of type "[^"]+"), found .*$/s, '$1.')
    .replace(/(Expected type "[^"]+")\.? .*$/s, '$1.');
}

/**
 * Resident ID numbers (18 characters) and mainland mobile numbers (11 digits) inside free text. An
 * unexpected error's message may quote them (a driver error repeating a value, a careless `throw`);
 * the log keeps the message for the operator without them. Names cannot be recognised this way.
 */
const PERSONAL_NUMBERS = /(?<![0-9A-Za-z])(?:[1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9})(?![0-9A-Za-z])/g;

export function withoutPersonalNumbers(text: string): string {
  return text.replace(PERSONAL_NUMBERS, '[redacted]');
}

/**
 * What the log gets of an unexpected error: its name, code, message, stack and cause, without personal
 * numbers. Error-like for pino's serializer, which reports `name` as the type when there is no
 * constructor (so the original class name survives) and would append unscrubbed causes of the original.
 */
function loggableError(error: unknown, depth = 0): unknown {
  if (typeof error !== 'object' || error === null) return withoutPersonalNumbers(String(error));
  const e = error as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown; cause?: unknown };
  const out = Object.create(null) as Record<string, unknown>;
  Object.defineProperty(out, 'name', { value: typeof e.name === 'string' ? e.name : 'Error', enumerable: false });
  out['message'] = withoutPersonalNumbers(typeof e.message === 'string' ? e.message : '');
  if (typeof e.stack === 'string') out['stack'] = withoutPersonalNumbers(e.stack);
  if (typeof e.code === 'string' || typeof e.code === 'number') out['code'] = e.code;
  if (e.cause !== undefined && depth < 2) out['cause'] = loggableError(e.cause, depth + 1);
  return out;
}

/** Remove "Did you mean …?" hints, which reveal schema names when introspection is off. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .+\?$/s, '');
}

/**
 * Error masking: application errors keep their message and CONTRACT code; request errors (and, at the
 * gateway, subgraph errors that already passed a subgraph's masking with a client code) pass through;
 * a failed service (SERVICE_TIMEOUT, SERVICE_UNAVAILABLE) gets its fixed message and the trace id
 * (the gateway logged the cause); anything else becomes a generic message with a trace id, and the
 * original is logged.
 */
export function createErrorFormatter(options: { logger: Logger; production: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const path = formatted.path;
    if (isAppError(original)) {
      return {
        message: original.message,
        ...(path ? { path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: original.code, ...original.details },
      };
    }
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      void _drop;
      return {
        ...formatted,
        message: withoutInputValues(options.production ? withoutSuggestions(formatted.message) : formatted.message),
        extensions,
      };
    }
    const traceId = currentContext()?.requestId;
    if (typeof code === 'string' && Object.hasOwn(DEPENDENCY_MESSAGES, code)) {
      return {
        message: DEPENDENCY_MESSAGES[code]!,
        ...(path ? { path } : {}),
        extensions: { code, ...(traceId ? { traceId } : {}) },
      };
    }
    if (isTransientDatabaseError(original)) {
      options.logger.warn({ err: loggableError(original), path }, 'database unavailable');
      return {
        message: DATABASE_UNAVAILABLE,
        ...(path ? { path } : {}),
        extensions: { code: 'SERVICE_UNAVAILABLE', ...(traceId ? { traceId } : {}) },
      };
    }
    options.logger.error({ err: loggableError(original), path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(path ? { path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(traceId ? { traceId } : {}) },
    };
  };
}
