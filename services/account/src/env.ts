import { serviceEnvShape, requireJwks, z } from '@creditbank/config';

export const accountEnvSchema = z
  .object({
    ...serviceEnvShape('account'),
    /** Key of the HMAC that makes the one-person-one-account index (≥ 32 characters). */
    ID_HASH_KEY: z.string().min(32, 'at least 32 characters').default('local-dev-only-id-hash-key-change-me!'),
  })
  .superRefine((env, ctx) => {
    requireJwks(env, ctx);
    if (env.NODE_ENV === 'production' && env.ID_HASH_KEY.startsWith('local-dev-only')) {
      ctx.addIssue({ code: 'custom', path: ['ID_HASH_KEY'], message: 'set a real key in production' });
    }
  });

export type AccountEnv = z.infer<typeof accountEnvSchema>;
