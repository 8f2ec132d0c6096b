import { envBoolean, envInt, envList, requireJwks, requireSaslCredentials, serviceEnvShape, z } from '@creditbank/config';

const DEV_SECRET_KEYS = JSON.stringify({ dev1: Buffer.alloc(32, 9).toString('base64') });

export const conversionEnvSchema = z
  .object({
    ...serviceEnvShape('conversion'),
    /** Keys sealing webhook secrets at rest: JSON object of key id → base64 32-byte key (as the account service's PII keys). */
    PII_KEYS: z.string().default(DEV_SECRET_KEYS),
    PII_ACTIVE_KID: z.string().default('dev1'),
    /** Webhook delivery: per-request timeout, retries with jittered exponential backoff (base · 2^n, capped), attempts before giving up. */
    WEBHOOK_TIMEOUT_MS: envInt(10_000, 100, 60_000),
    WEBHOOK_RETRY_BASE_MS: envInt(30_000, 1, 3_600_000),
    WEBHOOK_RETRY_MAX_MS: envInt(6 * 3_600_000, 10, 7 * 86_400_000),
    WEBHOOK_MAX_ATTEMPTS: envInt(15, 1, 100),
    WEBHOOK_POLL_MS: envInt(1_000, 10, 600_000),
    /** How long the previous secret keeps signing after rotateWebhookSecret. */
    WEBHOOK_SECRET_GRACE_HOURS: envInt(24, 0, 24 * 30),
    /** Plain-http webhook URLs (development only; refused in production). */
    WEBHOOK_ALLOW_HTTP: envBoolean(false),
    /** Development only (refused in production): origins exempt from the public-address check, e.g. the local demo receiver. */
    WEBHOOK_DEV_ALLOWED_ORIGINS: envList([]),
    /** Run the webhook dispatcher in this process. */
    WEBHOOK_DISPATCHER_ENABLED: envBoolean(true),
    /** How often interrupted writes (ledger append, read model, webhook enqueue) are finished. */
    SETTLE_SWEEP_MS: envInt(5_000, 10, 600_000),
    /** Stock held for a redemption that has not finished after this long goes back (see releaseStaleHolds). */
    REWARD_HOLD_STALE_MS: envInt(15 * 60_000, 1_000, 7 * 86_400_000),
    /** How often stale reward holds are looked for. */
    REWARD_HOLD_SWEEP_MS: envInt(60_000, 10, 3_600_000),
  })
  .superRefine((env, ctx) => {
    requireJwks(env, ctx);
    requireSaslCredentials(env, ctx);
    if (env.NODE_ENV === 'production') {
      if (env.PII_KEYS === DEV_SECRET_KEYS) ctx.addIssue({ code: 'custom', path: ['PII_KEYS'], message: 'set real keys in production' });
      if (env.WEBHOOK_DEV_ALLOWED_ORIGINS.length)
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_DEV_ALLOWED_ORIGINS'], message: 'not allowed in production' });
      if (env.WEBHOOK_ALLOW_HTTP)
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_HTTP'], message: 'plain-http webhooks are not allowed in production' });
    }
  });
export type Env = z.infer<typeof conversionEnvSchema>;
