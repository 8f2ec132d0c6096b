import { DEV_ID_HASH_KEY, envInt, requireJwks, requireSaslCredentials, serviceEnvShape, z } from '@creditbank/config';

export const accountEnvSchema = z
  .object({
    ...serviceEnvShape('account'),
    /** Key of the HMACs behind the one-person-one-account index and phone login (≥ 32 characters). Shared with the outcome service. */
    ID_HASH_KEY: z.string().min(32, 'at least 32 characters').default(DEV_ID_HASH_KEY),
    /** Keys sealing personal data: JSON object of key id → base64 32-byte key. */
    PII_KEYS: z.string().default(JSON.stringify({ dev1: Buffer.alloc(32, 7).toString('base64') })),
    /** The key id new values are sealed with. */
    PII_ACTIVE_KID: z.string().default('dev1'),
    /** Private key (PEM, ES256) that signs tokens; its public half must be in the JWKS. */
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PRIVATE_KEY_FILE: z.string().optional(),
    JWT_SIGNING_KID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    JWT_TTL_SECONDS: envInt(8 * 3600, 60, 7 * 24 * 3600),
    /** The real-name verification service. */
    IDV_BASE_URL: z.string().url().optional(),
    IDV_API_KEY: z.string().optional(),
    IDV_TIMEOUT_MS: envInt(3_000, 100, 60_000),
    IDV_RETRY_BASE_MS: envInt(30_000, 10, 3_600_000),
    IDV_RETRY_MAX_MS: envInt(3_600_000, 100, 86_400_000),
    IDV_WORKER_INTERVAL_MS: envInt(5_000, 10, 600_000),
    /** Service agreement version recorded for online registrations. */
    AGREEMENT_VERSION: z.string().min(1).max(32).default('2026-01'),
    LOGIN_FREE_ATTEMPTS: envInt(5, 1, 100),
    LOGIN_LOCK_BASE_SECONDS: envInt(60, 1, 86_400),
    LOGIN_LOCK_MAX_SECONDS: envInt(3_600, 1, 604_800),
  })
  .superRefine((env, ctx) => {
    requireJwks(env, ctx);
    requireSaslCredentials(env, ctx);
    if (!env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY'],
        message: 'set JWT_PRIVATE_KEY (PEM) or JWT_PRIVATE_KEY_FILE: the account service signs tokens',
      });
    }
    if (!env.JWT_SIGNING_KID)
      ctx.addIssue({ code: 'custom', path: ['JWT_SIGNING_KID'], message: 'required: the kid of the signing key in the JWKS' });
    if (env.NODE_ENV === 'production') {
      if (env.ID_HASH_KEY === DEV_ID_HASH_KEY)
        ctx.addIssue({ code: 'custom', path: ['ID_HASH_KEY'], message: 'set a real key in production' });
      if (env.PII_ACTIVE_KID === 'dev1') ctx.addIssue({ code: 'custom', path: ['PII_KEYS'], message: 'set real PII keys in production' });
      if (!env.IDV_BASE_URL) ctx.addIssue({ code: 'custom', path: ['IDV_BASE_URL'], message: 'required in production' });
    }
  });

export type AccountEnv = z.infer<typeof accountEnvSchema>;
