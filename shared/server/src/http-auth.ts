import type { NextFunction, Request, Response } from 'express';
import { AppError, type Caller } from '@creditbank/kernel';
import type { TokenVerifier } from '@creditbank/auth';
import { REQUEST_ID_HEADER, TRACEPARENT_HEADER, requestIdFrom, runWithContext, traceparentFrom } from '@creditbank/logging';

/** What the authentication middleware attaches to a request. */
export interface AuthenticatedRequest extends Request {
  caller?: Caller;
  requestId?: string;
  traceparent?: string;
}

/**
 * Verify the bearer token (if any), attach the caller, and run the rest of the request inside a
 * logging context carrying the request id and the token's province. A bad token is refused with
 * 401 before any GraphQL work; no token means an anonymous caller (public operations only).
 */
export function authenticate(verifier: TokenVerifier) {
  return (req: AuthenticatedRequest, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const traceparent = traceparentFrom(req.headers[TRACEPARENT_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    let caller: Caller;
    try {
      caller = verifier.callerFromHeader(req.headers.authorization);
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'Invalid token';
      res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED', traceId: requestId } }] });
      return;
    }
    req.caller = caller;
    req.requestId = requestId;
    if (traceparent) req.traceparent = traceparent;
    runWithContext(
      {
        requestId,
        origin: 'http',
        ...(caller.kind === 'user' ? { province: caller.province } : {}),
        ...(traceparent ? { traceparent } : {}),
      },
      () => next(),
    );
  };
}
