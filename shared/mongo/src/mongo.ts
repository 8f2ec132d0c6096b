import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';
import type { Component } from '@creditbank/kernel';
import { currentContext, type Logger } from '@creditbank/logging';
import { Counter, type Registry } from 'prom-client';

export interface MongoOptions {
  uri: string;
  dbName: string;
  poolSize?: number;
  appName?: string;
  logger: Logger;
  /** Count every database command by collection and command (no N+1 is visible in this metric). */
  registry?: Registry;
}

const READ_WRITE_COMMANDS = new Set(['find', 'aggregate', 'count', 'distinct', 'insert', 'update', 'delete', 'findAndModify', 'getMore']);

export interface MongoComponent extends Component {
  /** The service's own connection (one database per service). Models are bound to it. */
  readonly connection: Connection;
  /** Close the driver client and open a new one on the same connection (done by itself when its monitor stalls). */
  replaceClient(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;
const HEARTBEAT_FREQUENCY_MS = 5_000;

/**
 * Watches the driver's server monitor. A check normally ends within connectTimeoutMS (success or
 * failure); one that never ends leaves the server `Unknown`, so every command fails server selection
 * for as long as the process lives. Seen with driver 6.20 when the local FerretDB was stopped under
 * load: one `serverHeartbeatStarted` and nothing after it, while other clients of the same database
 * recovered. `stalled(now)` is true once a check in progress (of any server) has run for `stallMs`
 * (15 s: connectTimeoutMS, which bounds a check's connect and its hello alike, and a margin).
 */
export function createHeartbeatWatch(stallMs: number) {
  /** Per server (address), when the check in progress began. */
  const inProgressSince = new Map<string, number>();
  return {
    started(server: string, at: number) {
      if (!inProgressSince.has(server)) inProgressSince.set(server, at);
    },
    finished(server?: string) {
      if (server === undefined) inProgressSince.clear();
      else inProgressSince.delete(server);
    },
    stalled(now: number): boolean {
      for (const since of inProgressSince.values()) if (now - since >= stallMs) return true;
      return false;
    },
  };
}

/**
 * A MongoDB connection with a bounded pool and fail-fast timeouts. Each service uses its own
 * connection object (not mongoose's global one) so several services can share a process in tests.
 * If the driver's server monitor stalls (see createHeartbeatWatch) the client is replaced: closed and
 * opened again on the same connection object, so models and repositories keep working.
 */
export function createMongo(options: MongoOptions): MongoComponent {
  const connection = mongoose.createConnection();
  // Indexes are created explicitly at start (syncIndexes below), never lazily on first use.
  connection.set('autoIndex', false);
  connection.set('autoCreate', true);
  let started = false;
  const commands = options.registry
    ? ((options.registry.getSingleMetric('creditbank_db_commands_total') as Counter<'collection' | 'command' | 'origin'> | undefined) ??
      new Counter({
        name: 'creditbank_db_commands_total',
        help: 'Database commands by collection, command and origin (http request, consumed event, background work)',
        labelNames: ['collection', 'command', 'origin'],
        registers: [options.registry],
      }))
    : null;
  const watch = createHeartbeatWatch(CONNECT_TIMEOUT_MS + 5_000);
  let watchdog: NodeJS.Timeout | null = null;
  let replacing: Promise<void> | null = null;

  async function open(): Promise<void> {
    await connection.openUri(options.uri, {
      dbName: options.dbName,
      maxPoolSize: options.poolSize ?? 20,
      minPoolSize: 1,
      serverSelectionTimeoutMS: 10_000,
      connectTimeoutMS: CONNECT_TIMEOUT_MS,
      socketTimeoutMS: 45_000,
      heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS,
      appName: options.appName,
      retryWrites: true,
      monitorCommands: !!commands,
    });
    const client = connection.getClient();
    watch.finished();
    client.on('serverHeartbeatStarted', (e: { connectionId: string }) => watch.started(e.connectionId, Date.now()));
    client.on('serverHeartbeatSucceeded', (e: { connectionId: string }) => watch.finished(e.connectionId));
    client.on('serverHeartbeatFailed', (e: { connectionId: string }) => watch.finished(e.connectionId));
    if (commands)
      client.on('commandStarted', (e: { commandName: string; command: Record<string, unknown> }) => {
        if (!READ_WRITE_COMMANDS.has(e.commandName)) return;
        const target = e.command[e.commandName];
        commands.inc({
          command: e.commandName,
          collection: typeof target === 'string' ? target : String(e.command['collection'] ?? 'unknown'),
          origin: currentContext()?.origin ?? 'background',
        });
      });
  }

  /** Replace a client whose monitor stalled: close it (bounded wait) and open a new one. */
  function replaceClient(): Promise<void> {
    replacing ??= (async () => {
      options.logger.warn({ db: options.dbName }, 'database monitor stalled; replacing the client');
      try {
        const bound = new AbortController();
        await Promise.race([connection.close(), sleep(5_000, undefined, { signal: bound.signal }).catch(() => undefined)]);
        bound.abort();
        if (started) await open();
        options.logger.info({ db: options.dbName }, 'database client replaced');
      } catch (error) {
        options.logger.warn({ err: error, db: options.dbName }, 'replacing the database client failed; will retry');
      } finally {
        replacing = null;
      }
    })();
    return replacing;
  }

  return {
    name: 'mongo',
    connection,
    async start() {
      await open();
      for (const model of Object.values(connection.models)) {
        await model.createIndexes();
      }
      started = true;
      watchdog = setInterval(() => {
        if (started && watch.stalled(Date.now())) void replaceClient();
      }, 2_000);
      watchdog.unref();
      options.logger.info({ db: options.dbName, models: Object.keys(connection.models) }, 'mongo connected');
    },
    async stop() {
      if (!started) return;
      started = false;
      if (watchdog) clearInterval(watchdog);
      await replacing;
      await connection.close();
    },
    async ready() {
      if (!started || connection.readyState !== 1 || !connection.db) return false;
      try {
        await connection.db.admin().command({ ping: 1 });
        return true;
      } catch {
        return false;
      }
    },
    replaceClient,
  };
}

/**
 * Duplicate key (unique index) violation. MongoDB reports code 11000; FerretDB v1 (SQLite) reports a
 * unique-index violation on an update as code 1 with SQLite's "UNIQUE constraint failed" message.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 11000 || (code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed'));
}

/**
 * The documents an unordered `insertMany` refused as duplicates, by their index in the call, when
 * every refusal was a duplicate key (the rest went in); null when the error is anything else. The
 * driver reports `writeErrors` as a list, or as one object when there is one.
 */
export function duplicateKeyIndexes(error: unknown): number[] | null {
  if (typeof error !== 'object' || error === null) return null;
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ index?: number; code?: number; errmsg?: string }>;
  if (list.length === 0 || !list.every((e) => isDuplicateKeyError({ code: e.code, message: e.errmsg ?? '' }))) return null;
  return list.map((e) => e.index ?? -1).filter((i) => i >= 0);
}

const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoServerSelectionError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  'MongoServerClosedError',
  'MongoWaitQueueTimeoutError',
]);

/**
 * Socket errors a command can fail with when the server goes away mid-call (seen during a FerretDB
 * restart as a bare `{ code: 'EPIPE' }` from a write on a closing connection).
 */
const SOCKET_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** Server answers that mean "not now" (shutting down, stepping down, interrupted): MongoDB's retryable codes. */
const RETRYABLE_SERVER_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const RETRYABLE_LABELS = ['RetryableWriteError', 'ResetPool', 'SystemOverloadedError'];

/**
 * Errors worth retrying later rather than treating the input as bad: the database is unreachable.
 * Mongoose queues commands while it is disconnected and fails them after `bufferTimeoutMS` with a
 * plain `MongooseError` ("Operation `learners.insertOne()` buffering timed out after 10000ms"),
 * which is the same condition. So do socket errors of a connection the server closed, MongoDB's
 * retryable server codes and error labels. A wrapped error counts by what it wraps.
 */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
  if (typeof name === 'string' && UNREACHABLE.has(name)) return true;
  const { code, errorLabels } = error as { code?: unknown; errorLabels?: unknown };
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  if (typeof code === 'number' && RETRYABLE_SERVER_CODES.has(code) && typeof name === 'string' && name.startsWith('Mongo')) return true;
  if (Array.isArray(errorLabels) && errorLabels.some((l) => RETRYABLE_LABELS.includes(String(l)))) return true;
  if (name === 'MongooseError' && typeof message === 'string' && /buffering timed out after/.test(message)) return true;
  // What the error wraps: a cause; the driver error inside a MongoBulkWriteError (`errorResponse`);
  // the value graphql-js wrapped in a NonErrorThrown (`thrownValue`).
  const { errorResponse, thrownValue } = error as { errorResponse?: unknown; thrownValue?: unknown };
  return [cause, errorResponse, thrownValue].some(
    (inner) => inner !== undefined && inner !== error && isTransientDatabaseError(inner, depth + 1),
  );
}
