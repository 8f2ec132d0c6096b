import { GraphQLError } from 'graphql';

/**
 * What the client is told when a subgraph call fails below GraphQL (no answer in time, no
 * connection, an HTTP error): a code it can act on, never the subgraph's address, the low-level
 * error or the response body. The error masking gives both codes a fixed message and the trace id.
 *
 * - `SERVICE_TIMEOUT`: the call was sent and no answer came within the subgraph's deadline
 *   (`SUBGRAPH_<NAME>_TIMEOUT_MS`). A mutation may still have been applied: retry it with its
 *   idempotency key, or read before retrying.
 * - `SERVICE_UNAVAILABLE`: the subgraph could not be reached (refused, reset, unresolvable) or
 *   answered with an HTTP error instead of GraphQL.
 */
export type SubgraphFailureCode = 'SERVICE_TIMEOUT' | 'SERVICE_UNAVAILABLE' | 'UNAUTHENTICATED' | 'FORBIDDEN';

export interface SubgraphFailure {
  code: SubgraphFailureCode;
  /** The HTTP status, when the subgraph answered with an HTTP error. */
  status?: number;
  /** What happened, for the log only (may name hosts and ports). */
  cause: string;
}

/** Deadlines: ours (AbortSignal.timeout) and undici's own header/body timeouts. */
const TIMEOUT_NAMES = new Set(['TimeoutError']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** RemoteGraphQLDataSource's errorFromResponse puts the HTTP answer in `extensions.response`. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const extensions = (error as { extensions?: unknown }).extensions;
  const response = typeof extensions === 'object' && extensions !== null ? (extensions as { response?: unknown }).response : undefined;
  const status = typeof response === 'object' && response !== null ? (response as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : undefined;
}

/** The parts of an error we read; duck-typed (DOMException and errors of other realms are no `Error` here). */
function partsOf(error: unknown): { name: string; code?: string; message: string; cause?: unknown } {
  if (typeof error !== 'object' || error === null) return { name: '', message: String(error) };
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : '',
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    message: typeof e.message === 'string' ? e.message : '',
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}

function describe(error: unknown, depth = 0): string {
  const { name, code, message, cause } = partsOf(error);
  const inner = cause !== undefined && depth < 3 ? `; cause: ${describe(cause, depth + 1)}` : '';
  return `${name}${code ? ` ${code}` : ''}: ${message}${inner}`;
}

/** Classifies an error of a subgraph HTTP call (what RemoteGraphQLDataSource's sendRequest caught). */
export function classifySubgraphFailure(error: unknown): SubgraphFailure {
  const cause = describe(error);
  const status = statusOf(error);
  if (status !== undefined) {
    const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'SERVICE_UNAVAILABLE';
    return { code, status, cause };
  }
  const { name, code } = partsOf(error);
  if (TIMEOUT_NAMES.has(name) || (code !== undefined && TIMEOUT_CODES.has(code))) return { code: 'SERVICE_TIMEOUT', cause };
  return { code: 'SERVICE_UNAVAILABLE', cause };
}

const MESSAGES: Record<SubgraphFailureCode, string> = {
  SERVICE_TIMEOUT: 'A service needed for this request did not answer in time',
  SERVICE_UNAVAILABLE: 'A service needed for this request is unavailable',
  UNAUTHENTICATED: 'Unauthenticated',
  FORBIDDEN: 'Forbidden',
};

/** The error the gateway reports instead: the code only (no response, URL or cause). */
export function subgraphFailureError(failure: SubgraphFailure): GraphQLError {
  return new GraphQLError(MESSAGES[failure.code], { extensions: { code: failure.code } });
}
