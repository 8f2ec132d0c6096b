import pino, { type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { currentContext } from './request-context';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
}

/**
 * Paths whose values never reach a log line. Resident ID numbers, names, phones, passwords and
 * tokens are personal data or secrets; log the masked or hashed forms instead.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'idNumber',
  '*.idNumber',
  '*.*.idNumber',
  'phone',
  '*.phone',
  'name',
  '*.name',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'variables',
  '*.variables',
];

/** JSON logger; every line carries the service, and the request id and province of the current context. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = currentContext();
      if (!ctx) return {};
      return ctx.province ? { reqId: ctx.requestId, province: ctx.province } : { reqId: ctx.requestId };
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that writes nothing, for pure unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
