import { randomUUID } from 'node:crypto';
import {
  BadInputError,
  NotFoundError,
  decodeCursor,
  encodeCursor,
  pageSize,
  toConnection,
  type Caller,
  type CommandContext,
  type Connection,
} from '@creditbank/kernel';
import {
  WEBHOOK_EVENT_TYPES,
  isPublicAddress,
  isWebhookEventType,
  newWebhookSecret,
  parseRetryAfter,
  parseWebhookUrl,
  retryDelayMs,
  signatureHeader,
  type BackoffPolicy,
  type WebhookEventType,
} from '../domain/webhook';
import { requireRole } from './access';
import type { DeliveryStatus, WebhookDelivery, WebhookStore, WebhookSubscription } from './ports';

/** Seals secrets at rest (AES-256-GCM). */
export interface SecretSealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** Resolves a host name to its addresses (injected, so tests can map names). */
export type HostResolver = (hostname: string) => Promise<string[]>;

export interface WebhookResponse {
  statusCode: number;
  retryAfter: string | null;
}

/** Sends one signed POST to a checked, pinned address (infrastructure). */
export interface WebhookSender {
  send(url: URL, address: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookResponse>;
}

export interface WebhookSettings extends BackoffPolicy {
  timeoutMs: number;
  graceMs: number;
  allowHttp: boolean;
  leaseMs: number;
  /** Development only: origins (e.g. http://127.0.0.1:4180) exempt from the public-address check. */
  devAllowedOrigins?: readonly string[];
}

export interface WebhookDeps {
  webhooks: WebhookStore;
  sealer: SecretSealer;
  resolveHost: HostResolver;
  settings: WebhookSettings;
}

export class RefusedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddressError';
  }
}

/** Resolve a URL's host and refuse loopback, link-local, private and other non-public addresses (SSRF). */
export async function checkedAddress(resolveHost: HostResolver, hostname: string): Promise<string> {
  let addresses: string[];
  try {
    addresses = isPublicAddress(hostname) || /^[0-9.]+$|:/.test(hostname) ? [hostname] : await resolveHost(hostname);
  } catch {
    throw new RefusedAddressError('the host name does not resolve');
  }
  if (addresses.length === 0) throw new RefusedAddressError('the host name does not resolve');
  // Every address must be public: a name that also points inside is refused as a whole.
  if (!addresses.every(isPublicAddress)) throw new RefusedAddressError('the host resolves to a non-public address');
  return addresses[0]!;
}

function visible(caller: Caller, s: WebhookSubscription): boolean {
  if (caller.kind !== 'user') return false;
  if (caller.role === 'PLATFORM_ADMIN') return true;
  if (caller.role === 'CENTER_ADMIN') return caller.province === s.province;
  return caller.role === 'UNIVERSITY_PARTNER' && caller.inst === s.institutionCode && caller.province === s.province;
}

function owned(caller: Caller, s: WebhookSubscription | null): s is WebhookSubscription {
  return (
    !!s &&
    caller.kind === 'user' &&
    caller.role === 'UNIVERSITY_PARTNER' &&
    caller.inst === s.institutionCode &&
    caller.province === s.province
  );
}

export interface WebhookSubscriptionInput {
  url: string;
  events: string[];
}

/** A partner university subscribes a URL to conversion events; the secret is shown once. */
export async function createWebhookSubscription(
  deps: WebhookDeps,
  ctx: CommandContext,
  input: WebhookSubscriptionInput,
): Promise<{ subscription: WebhookSubscription; secret: string }> {
  const c = ctx.caller;
  requireRole(c, ['UNIVERSITY_PARTNER']);
  if (!c.inst) throw new BadInputError('Your token is not bound to an institution');
  const devAllowed = deps.settings.devAllowedOrigins ?? [];
  const parsed = parseWebhookUrl(String(input.url ?? '').trim(), deps.settings.allowHttp, devAllowed);
  if (typeof parsed === 'string') throw new BadInputError(`The webhook URL is refused: ${parsed}`, 'input.url');
  try {
    if (!devAllowed.includes(parsed.url.origin)) await checkedAddress(deps.resolveHost, parsed.hostname);
  } catch (error) {
    if (error instanceof RefusedAddressError) throw new BadInputError(`The webhook URL is refused: ${error.message}`, 'input.url');
    throw error;
  }
  const events = [...new Set(input.events ?? [])];
  if (events.length === 0) throw new BadInputError(`Subscribe to at least one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`, 'input.events');
  for (const e of events)
    if (!isWebhookEventType(e))
      throw new BadInputError(`Unknown event ${String(e).slice(0, 60)}; one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`, 'input.events');
  const existing = await deps.webhooks.subscriptions({ institutionCode: c.inst });
  if (existing.filter((s) => s.status === 'ACTIVE').length >= 10)
    throw new BadInputError('At most 10 active subscriptions per institution', 'input.url');
  const secret = newWebhookSecret();
  const sub: WebhookSubscription = {
    id: `ws-${randomUUID()}`,
    institutionCode: c.inst,
    province: c.province,
    url: parsed.url.toString(),
    events: events as WebhookEventType[],
    status: 'ACTIVE',
    disabledReason: null,
    secrets: [{ sealed: deps.sealer.seal(secret), createdAt: ctx.now, expiresAt: null }],
    createdBy: c.sub.slice(0, 64),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  await deps.webhooks.insertSubscription(sub);
  return { subscription: sub, secret };
}

/** A new secret; the previous one stays valid (deliveries carry both signatures) for the grace period. */
export async function rotateWebhookSecret(
  deps: WebhookDeps,
  ctx: CommandContext,
  id: string,
): Promise<{ subscription: WebhookSubscription; secret: string }> {
  requireRole(ctx.caller, ['UNIVERSITY_PARTNER']);
  const sub = await deps.webhooks.subscription(String(id));
  if (!owned(ctx.caller, sub)) throw new NotFoundError('Webhook subscription');
  const secret = newWebhookSecret();
  const until = new Date(ctx.now.getTime() + deps.settings.graceMs);
  const kept = sub.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > ctx.now)
    .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < until ? s.expiresAt : until }));
  const updated = await deps.webhooks.updateSubscription(sub.id, {
    secrets: [{ sealed: deps.sealer.seal(secret), createdAt: ctx.now, expiresAt: null }, ...kept],
    updatedAt: ctx.now,
  });
  return { subscription: updated!, secret };
}

export async function webhookSubscriptions(deps: WebhookDeps, caller: Caller): Promise<WebhookSubscription[]> {
  if (caller.kind !== 'user') return [];
  const filter =
    caller.role === 'PLATFORM_ADMIN'
      ? {}
      : caller.role === 'CENTER_ADMIN'
        ? { province: caller.province }
        : caller.role === 'UNIVERSITY_PARTNER' && caller.inst
          ? { institutionCode: caller.inst, province: caller.province }
          : null;
  if (!filter) return [];
  return (await deps.webhooks.subscriptions(filter)).filter((s) => visible(caller, s));
}

const EMPTY = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

export async function webhookDeliveries(
  deps: WebhookDeps,
  caller: Caller,
  subscriptionId: string,
  status: string | null | undefined,
  first?: number | null,
  after?: string | null,
): Promise<Connection<WebhookDelivery>> {
  const sub = await deps.webhooks.subscription(String(subscriptionId));
  if (!sub || !visible(caller, sub)) return EMPTY;
  if (status && !['PENDING', 'SUCCEEDED', 'FAILED'].includes(status))
    throw new BadInputError('status is PENDING, SUCCEEDED or FAILED', 'status');
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const { rows, total } = await deps.webhooks.deliveries(sub.id, (status as DeliveryStatus) ?? null, {
    after: cursor ? [String(cursor[0]), String(cursor[1])] : null,
    limit,
  });
  return toConnection(rows, limit, total, (d) => encodeCursor([d.createdAt.toISOString(), d.id]));
}

/** Send a delivery again (the same webhook-id, so the partner can deduplicate). */
export async function replayWebhookDelivery(deps: WebhookDeps, ctx: CommandContext, id: string): Promise<WebhookDelivery> {
  requireRole(ctx.caller, ['UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']);
  const d = await deps.webhooks.delivery(String(id));
  const sub = d ? await deps.webhooks.subscription(d.subscriptionId) : null;
  if (!d || !sub || !(ctx.caller.kind === 'user' && (ctx.caller.role === 'PLATFORM_ADMIN' || owned(ctx.caller, sub))))
    throw new NotFoundError('Webhook delivery');
  if (sub.status !== 'ACTIVE') throw new BadInputError('The subscription is disabled', 'id', { reason: sub.disabledReason });
  if (d.status === 'PENDING') return d;
  const requeued = await deps.webhooks.requeue(d.id, ctx.now);
  return requeued ?? ((await deps.webhooks.delivery(d.id)) as WebhookDelivery);
}

/** The signing secrets in force now: the current one and, during a rotation, the previous one. */
function activeSecrets(deps: WebhookDeps, sub: WebhookSubscription, now: Date): string[] {
  return sub.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => deps.sealer.open(s.sealed));
}

/**
 * One attempt of one delivery: sign (Standard Webhooks), check the address again (DNS may have
 * changed), POST with a bounded timeout. 2xx: delivered. 410 Gone: the subscription is disabled.
 * Anything else (incl. timeouts, 429 with Retry-After): retry later with jittered exponential
 * backoff, up to the maximum number of attempts.
 */
export async function attemptDelivery(
  deps: WebhookDeps & { sender: WebhookSender },
  d: WebhookDelivery,
  now = new Date(),
): Promise<WebhookDelivery | null> {
  const sub = await deps.webhooks.subscription(d.subscriptionId);
  const started = Date.now();
  if (!sub || sub.status !== 'ACTIVE') {
    return deps.webhooks.recordAttempt(
      d.id,
      { status: 'FAILED', nextAttemptAt: null, lastError: 'subscription disabled', lastStatusCode: null },
      { at: now, statusCode: null, error: 'subscription disabled', durationMs: 0 },
    );
  }
  let statusCode: number | null = null;
  let error: string | null = null;
  let retryAfterMs: number | null = null;
  try {
    const url = new URL(sub.url);
    const address = (deps.settings.devAllowedOrigins ?? []).includes(url.origin)
      ? url.hostname.replace(/^\[|\]$/g, '')
      : await checkedAddress(deps.resolveHost, url.hostname.replace(/^\[|\]$/g, ''));
    const timestamp = Math.floor(now.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'creditbank-webhooks/1',
      'webhook-id': d.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(activeSecrets(deps, sub, now), d.eventId, timestamp, d.body),
    };
    const res = await deps.sender.send(url, address, headers, d.body, deps.settings.timeoutMs);
    statusCode = res.statusCode;
    retryAfterMs = parseRetryAfter(res.retryAfter, now);
    if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
  } catch (e) {
    error = (e as Error).message?.slice(0, 300) || 'request failed';
  }
  const attempts = d.attempts + 1;
  const attempt = { at: now, statusCode, error, durationMs: Date.now() - started };
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
    return deps.webhooks.recordAttempt(
      d.id,
      { status: 'SUCCEEDED', attempts, nextAttemptAt: null, deliveredAt: new Date(), lastStatusCode: statusCode, lastError: null },
      attempt,
    );
  }
  if (statusCode === 410) {
    await deps.webhooks.updateSubscription(sub.id, {
      status: 'DISABLED',
      disabledReason: 'The endpoint answered 410 Gone',
      updatedAt: new Date(),
    });
    return deps.webhooks.recordAttempt(
      d.id,
      { status: 'FAILED', attempts, nextAttemptAt: null, lastStatusCode: statusCode, lastError: '410 Gone: subscription disabled' },
      attempt,
    );
  }
  if (attempts >= deps.settings.maxAttempts) {
    return deps.webhooks.recordAttempt(
      d.id,
      { status: 'FAILED', attempts, nextAttemptAt: null, lastStatusCode: statusCode, lastError: error },
      attempt,
    );
  }
  const next = new Date(
    Date.now() + retryDelayMs(deps.settings, attempts, Math.random, statusCode === 429 || statusCode === 503 ? retryAfterMs : null),
  );
  return deps.webhooks.recordAttempt(
    d.id,
    { attempts, nextAttemptAt: next, leaseUntil: next, lastStatusCode: statusCode, lastError: error },
    attempt,
  );
}

/** Deliver what is due (one poll of the dispatcher). */
export async function deliverDue(deps: WebhookDeps & { sender: WebhookSender }, limit = 20): Promise<number> {
  const due = await deps.webhooks.claimDue(new Date(), deps.settings.leaseMs, limit);
  await Promise.all(due.map((d) => attemptDelivery(deps, d)));
  return due.length;
}
