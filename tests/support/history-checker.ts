import { setTimeout as sleep } from 'node:timers/promises';
import { makeResidentId } from '@creditbank/identity';

/**
 * The "nothing lost" checker. A workload records every client call (operation, its natural or
 * idempotency key, the input, and what the client saw); afterwards the checker compares that history
 * with what the platform holds for every key:
 *
 * - `ok` (acknowledged): exactly one effect and exactly one of each of its events;
 * - `in-doubt` (timeout, network error, a transient or internal error: the write may or may not have
 *   happened): wholly present (one effect and its events) or wholly absent (neither);
 * - `rejected` (a definite refusal by a rule, e.g. `BAD_USER_INPUT`): no effect, unless another call
 *   with the same key took effect. A `CONFLICT` saying the key is already taken confirms presence.
 *
 * Half-applied writes (an effect without its events, or events without an effect) and duplicates
 * (two effects or two distinct events for one key) are violations whatever the client saw.
 */
export type CallOutcome = 'ok' | 'rejected' | 'in-doubt';

export interface CallRecord {
  op: string;
  /** The natural or idempotency key: what identifies the effect (ID number, externalRef, idempotencyKey). */
  key: string;
  input: unknown;
  outcome: CallOutcome;
  /** The error code the client saw (`CONFLICT`, `SERVICE_UNAVAILABLE`, `TIMEOUT`, `NETWORK` …). */
  code?: string;
  message?: string;
  /** What an acknowledged call returned (for comparing a retry with the first answer). */
  result?: unknown;
  startedAt: number;
  ms: number;
}

/** What the platform holds for one key of one operation. */
export interface Observation {
  /** Stored effects for this key (documents, ledger entries …). */
  effects: number;
  /** Distinct events for this key on the topic (by event id). */
  events: number;
}

export interface Violation {
  op: string;
  key: string;
  problem: string;
  calls: CallOutcome[];
  observed: Observation;
}

export interface CheckReport {
  keys: number;
  acknowledged: number;
  inDoubt: number;
  rejected: number;
  /** In-doubt keys found present / absent. */
  inDoubtPresent: number;
  inDoubtAbsent: number;
  violations: Violation[];
}

/**
 * Codes that mean the request was refused and wrote nothing: a rule said no, or (`CONFLICT`) the key
 * is already taken — which also says an earlier call with that key took effect.
 */
const DEFINITE_REFUSALS = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED', 'CONFLICT']);

/** Classify a GraphQL answer (or its absence) the way a careful client must. */
export function classify(code: string | undefined): CallOutcome {
  if (code === undefined) return 'ok';
  return DEFINITE_REFUSALS.has(code) ? 'rejected' : 'in-doubt';
}

/** Groups calls by operation and key: the unit the checker reasons about. */
export function byKey(calls: readonly CallRecord[]): Map<string, CallRecord[]> {
  const groups = new Map<string, CallRecord[]>();
  for (const c of calls) {
    const id = `${c.op}\u0000${c.key}`;
    groups.set(id, [...(groups.get(id) ?? []), c]);
  }
  return groups;
}

export async function checkHistory(
  calls: readonly CallRecord[],
  observe: (op: string, key: string) => Promise<Observation> | Observation,
): Promise<CheckReport> {
  const report: CheckReport = {
    keys: 0,
    acknowledged: 0,
    inDoubt: 0,
    rejected: 0,
    inDoubtPresent: 0,
    inDoubtAbsent: 0,
    violations: [],
  };
  for (const group of byKey(calls).values()) {
    const { op, key } = group[0]!;
    const outcomes = group.map((c) => c.outcome);
    const observed = await observe(op, key);
    report.keys++;
    const acknowledged = outcomes.includes('ok');
    const confirmed = acknowledged || group.some((c) => c.code === 'CONFLICT');
    const doubtful = outcomes.includes('in-doubt');
    if (acknowledged) report.acknowledged++;
    else if (doubtful) report.inDoubt++;
    else report.rejected++;
    const fail = (problem: string) => report.violations.push({ op, key, problem, calls: outcomes, observed });

    if (observed.effects > 1) fail(`${observed.effects} effects for one key (duplicate)`);
    if (observed.events > 1) fail(`${observed.events} distinct events for one key (duplicate)`);
    if (observed.effects !== observed.events) fail(`half-applied: ${observed.effects} effect(s) but ${observed.events} event(s)`);
    if (confirmed && observed.effects === 0) fail(acknowledged ? 'acknowledged but lost' : 'CONFLICT claimed it exists, but it does not');
    if (!confirmed && !doubtful && observed.effects > 0) fail('refused, yet it took effect');
    if (!acknowledged && doubtful && !confirmed) {
      if (observed.effects === 1) report.inDoubtPresent++;
      else if (observed.effects === 0) report.inDoubtAbsent++;
    }
  }
  return report;
}

/** A call with a deadline: never waits longer than `timeoutMs` (then it is in doubt). */
export async function recordCall<T>(
  history: CallRecord[],
  op: string,
  key: string,
  input: unknown,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<{ data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>,
): Promise<CallRecord> {
  const startedAt = Date.now();
  let record: CallRecord;
  try {
    const r = await call(AbortSignal.timeout(timeoutMs));
    const error = r.errors?.[0];
    const code = error ? String(error.extensions?.['code'] ?? 'UNKNOWN') : r.data ? undefined : 'NO_DATA';
    record = {
      op,
      key,
      input,
      outcome: classify(code),
      ...(code ? { code, message: error?.message ?? '' } : { result: r.data }),
      startedAt,
      ms: Date.now() - startedAt,
    };
  } catch (error) {
    const timeout = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    record = {
      op,
      key,
      input,
      outcome: 'in-doubt',
      code: timeout ? 'TIMEOUT' : 'NETWORK',
      message: (error as Error).message,
      startedAt,
      ms: Date.now() - startedAt,
    };
  }
  history.push(record);
  return record;
}

/**
 * Runs `next(i)` at a steady rate for `durationMs` and resolves when every call has settled. Calls
 * overlap when one is slow, as real clients do, up to `maxInFlight` (a client's connection pool):
 * beyond that the next call waits for a free slot instead of piling up on a slow machine.
 */
export async function steadyLoad(options: {
  durationMs: number;
  perSecond: number;
  maxInFlight?: number;
  next: (i: number) => Promise<unknown>;
}): Promise<number> {
  const interval = 1000 / options.perSecond;
  const maxInFlight = options.maxInFlight ?? 8;
  const started = Date.now();
  const pending = new Set<Promise<unknown>>();
  let count = 0;
  for (let i = 0; Date.now() - started < options.durationMs; i++) {
    while (pending.size >= maxInFlight) await Promise.race(pending);
    const call: Promise<unknown> = options.next(i).catch(() => undefined);
    pending.add(call);
    void call.then(() => pending.delete(call));
    count++;
    await sleep(Math.max(0, started + (i + 1) * interval - Date.now()));
  }
  await Promise.all(pending);
  return count;
}

/** Polls a URL's status every `intervalMs` until stopped: when the service was (un)ready. */
export function watchReadiness(url: string, intervalMs = 250): { samples: Array<{ at: number; ready: boolean }>; stop(): void } {
  const samples: Array<{ at: number; ready: boolean }> = [];
  let running = true;
  void (async () => {
    while (running) {
      let ready = false;
      try {
        ready = (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200;
      } catch {
        ready = false;
      }
      samples.push({ at: Date.now(), ready });
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    stop: () => {
      running = false;
    },
  };
}

/** The first instant at or after `from` when the samples say `ready` (null: never). */
export function firstSample(samples: ReadonlyArray<{ at: number; ready: boolean }>, ready: boolean, from: number): number | null {
  return samples.find((s) => s.at >= from && s.ready === ready)?.at ?? null;
}

export interface GraphqlAnswer<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** A GraphQL POST that gives up when `signal` aborts (the client's deadline). */
export async function postGraphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string,
  signal?: AbortSignal,
): Promise<GraphqlAnswer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  try {
    return { status: res.status, ...(JSON.parse(text) as Omit<GraphqlAnswer<T>, 'status'>) };
  } catch {
    return {
      status: res.status,
      errors: [{ message: `non-JSON response: ${text.slice(0, 200)}`, extensions: { code: `HTTP_${res.status}` } }],
    };
  }
}

/** A distinct, valid resident ID number per index (the natural key of an account opening). */
export function idNumberFor(i: number, division = '330106'): string {
  const day = new Date(Date.UTC(1970, 0, 1 + Math.floor(i / 900)));
  return makeResidentId(division, day.toISOString().slice(0, 10), (i % 900) + 1);
}

/** Distinct event ids per value of `data[field]` (e.g. per accountNo): duplicates of one event count once. */
export function eventIdsBy(events: ReadonlyArray<{ id: string; data: unknown }>, field: string): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    const value = String((e.data as Record<string, unknown>)[field]);
    ids.set(value, (ids.get(value) ?? new Set()).add(e.id));
  }
  return ids;
}

/** The account opened for each ID number, if any (looked up by the natural key through the API). */
export async function accountsByIdNumber(accountUrl: string, token: string, idNumbers: Iterable<string>): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for (const idNumber of new Set(idNumbers)) {
    const r = await postGraphql<{ learnerByIdNumber: { accountNo: string } | null }>(
      accountUrl,
      `query($id: String!) { learnerByIdNumber(idNumber: $id) { accountNo } }`,
      { id: idNumber },
      token,
      AbortSignal.timeout(15_000),
    );
    if (r.errors?.length) throw new Error(`learnerByIdNumber failed: ${JSON.stringify(r.errors)}`);
    const no = r.data?.learnerByIdNumber?.accountNo;
    if (no) stored.set(idNumber, no);
  }
  return stored;
}
