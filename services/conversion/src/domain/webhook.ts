import { createHmac, randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/**
 * Partner-university webhooks, the pure parts: Standard Webhooks signatures, retry backoff, which
 * addresses a delivery may go to (SSRF), and which events a partner may subscribe to.
 */
export const WEBHOOK_EVENT_TYPES = [
  'conversion.submitted',
  'conversion.preliminarily-approved',
  'conversion.approved',
  'conversion.rejected',
  'conversion.cancelled',
  'conversion.needs-review',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (v: string): v is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(v);

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` with the secret's key. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` header: one signature per valid secret, space separated (two during rotation). */
export function signatureHeader(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((s) => signWebhook(s, id, timestampSeconds, body)).join(' ');
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential (base · 2^(attempt-1)),
 * capped, with "equal jitter" (half fixed, half random) so retries of many deliveries spread out.
 * A Retry-After from the partner (429/503) is honoured when longer, up to the cap.
 */
export function retryDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
  retryAfterMs: number | null = null,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + (exp / 2) * random();
  return Math.round(Math.min(policy.maxMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Parse a Retry-After header (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, t - now.getTime()) : null;
}

/** Extra ranges that are not for partners' servers even though ipaddr.js calls them unicast. */
const EXTRA_DENIED: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [
  ipaddr.parseCIDR('198.18.0.0/15'), // benchmarking
  ipaddr.parseCIDR('192.0.0.0/24'), // IETF protocol assignments
];

/**
 * Whether a resolved address is a public unicast address. Loopback, link-local (incl. cloud
 * metadata 169.254.169.254), private, unique-local, carrier-grade NAT, multicast, reserved,
 * documentation and IPv4-mapped forms of those are refused.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.range() !== 'unicast') return false;
  return !EXTRA_DENIED.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

export interface ParsedWebhookUrl {
  url: URL;
  hostname: string;
}

/** Syntax checks of a subscription URL (the address check needs DNS and happens in the client). */
export function parseWebhookUrl(raw: string, allowHttp: boolean, devAllowedOrigins: readonly string[] = []): ParsedWebhookUrl | string {
  if (raw.length > 2000) return 'the URL is too long';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return 'the URL must use https';
  if (url.username || url.password) return 'the URL must not carry credentials';
  if (url.hash) return 'the URL must not have a fragment';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  // Development only (refused in production by the env): a local receiver you can watch.
  if (devAllowedOrigins.includes(url.origin)) return { url, hostname };
  if (
    !hostname ||
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname.endsWith('.internal') ||
    hostname.endsWith('.local')
  )
    return 'the URL’s host is not a public host';
  if (ipaddr.isValid(hostname) && !isPublicAddress(hostname)) return 'the URL’s address is not public';
  return { url, hostname };
}
