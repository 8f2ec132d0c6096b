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
}

/**
 * A MongoDB connection with a bounded pool and fail-fast timeouts. Each service uses its own
 * connection object (not mongoose's global one) so several services can share a process in tests.
 */
export function createMongo(options: MongoOptions): MongoComponent {
  const connection = mongoose.createConnection();
  // Indexes are created explicitly at start (syncIndexes below), never lazily on first use.
  connection.set('autoIndex', false);
  connection.set('autoCreate', true);
  let started = false;

  return {
    name: 'mongo',
    connection,
    async start() {
      await connection.openUri(options.uri, {
        dbName: options.dbName,
        maxPoolSize: options.poolSize ?? 20,
        minPoolSize: 1,
        serverSelectionTimeoutMS: 10_000,
        connectTimeoutMS: 10_000,
        socketTimeoutMS: 45_000,
        heartbeatFrequencyMS: 5_000,
        appName: options.appName,
        retryWrites: true,
        monitorCommands: !!options.registry,
      });
      if (options.registry) {
        const commands =
          (options.registry.getSingleMetric('creditbank_db_commands_total') as Counter<'collection' | 'command' | 'origin'> | undefined) ??
          new Counter({
            name: 'creditbank_db_commands_total',
            help: 'Database commands by collection, command and origin (http request, consumed event, background work)',
            labelNames: ['collection', 'command', 'origin'],
            registers: [options.registry],
          });
        connection.getClient().on('commandStarted', (e: { commandName: string; command: Record<string, unknown> }) => {
          if (!READ_WRITE_COMMANDS.has(e.commandName)) return;
          const target = e.command[e.commandName];
          commands.inc({
            command: e.commandName,
            collection: typeof target === 'string' ? target : String(e.command['collection'] ?? 'unknown'),
            origin: currentContext()?.origin ?? 'background',
          });
        });
      }
      for (const model of Object.values(connection.models)) {
        await model.createIndexes();
      }
      started = true;
      options.logger.info({ db: options.dbName, models: Object.keys(connection.models) }, 'mongo connected');
    },
    async stop() {
      if (!started) return;
      started = false;
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
 * Errors worth retrying later rather than treating the input as bad: the database is unreachable.
 * Mongoose queues commands while it is disconnected and fails them after `bufferTimeoutMS` with a
 * plain `MongooseError` ("Operation `learners.insertOne()` buffering timed out after 10000ms"),
 * which is the same condition. A wrapped error counts by its cause.
 */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
  if (typeof name === 'string' && UNREACHABLE.has(name)) return true;
  if (name === 'MongooseError' && typeof message === 'string' && /buffering timed out after/.test(message)) return true;
  return cause !== undefined && isTransientDatabaseError(cause, depth + 1);
}
