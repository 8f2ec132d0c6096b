import { envInt, requireJwks, requireSaslCredentials, serviceEnvShape, z } from '@creditbank/config';

export const analyticsEnvSchema = z
  .object({
    ...serviceEnvShape('analytics'),
    /** Smallest number of accounts a division needs to be ranked (communities) or correlated. */
    ANALYTICS_MIN_POPULATION: envInt(5, 1, 100_000),
    /** Smallest household (accounts) ranked as a learning family. */
    ANALYTICS_MIN_HOUSEHOLD_MEMBERS: envInt(2, 1, 100),
    /** How often a process re-reads the active read-model generation (after a rebuild switches it). */
    ANALYTICS_GENERATION_REFRESH_MS: envInt(1_000, 100, 60_000),
    /** Events of a Kafka batch applied together (their writes coalesce into one bulkWrite per collection). */
    ANALYTICS_APPLY_CONCURRENCY: envInt(100, 1, 1_000),
  })
  .superRefine((env, ctx) => {
    requireJwks(env, ctx);
    requireSaslCredentials(env, ctx);
  });
export type AnalyticsEnv = z.infer<typeof analyticsEnvSchema>;
