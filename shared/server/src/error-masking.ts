import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isAppError } from '@creditbank/kernel';
import { currentContext, type Logger } from '@creditbank/logging';

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

/** Remove "Did you mean …?" hints, which reveal schema names when introspection is off. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .+\?$/s, '');
}

/**
 * Error masking: application errors keep their message and CONTRACT code; request errors (and, at the
 * gateway, subgraph errors that already passed a subgraph's masking with a client code) pass through;
 * anything else becomes a generic message with a trace id, and the original is logged.
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
    options.logger.error({ err: original, path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(path ? { path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(traceId ? { traceId } : {}) },
    };
  };
}
