/**
 * A long-lived part of a service (database connection, producer, relay, consumer, HTTP server).
 * `main.ts` creates them with `createX(deps)` and a runtime starts them in order and stops them in
 * reverse order on SIGTERM.
 */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether the component can do its job right now (readiness probe). */
  ready(): Promise<boolean>;
}
