/**
 * Application errors. Their `code` becomes `extensions.code` on the wire (CONTRACT.md); the message is
 * written for the caller and must never contain personal data or internals.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';

export interface ErrorDetails {
  /** The input field the error is about, as a dotted path (`input.idNumber`). */
  readonly field?: string;
  /** Extra, safe-to-show facts (e.g. the province of an existing account). */
  readonly [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
    this.name = 'ForbiddenError';
  }
}

export class BadInputError extends AppError {
  constructor(message: string, field?: string, details: Omit<ErrorDetails, 'field'> = {}) {
    super('BAD_USER_INPUT', message, field === undefined ? details : { ...details, field });
    this.name = 'BadInputError';
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('CONFLICT', message, details);
    this.name = 'ConflictError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
