import { envInt, serviceEnvShape, requireJwks, z } from '@creditbank/config';

const shape = serviceEnvShape('intake-network');

export const networkEnvSchema = z
  .object({
    ...shape,
    /** How often the intake-point position index is reconciled with the nodes (crash repair). */
    INDEX_RECONCILE_MS: envInt(300_000, 1_000, 86_400_000),
  })
  .superRefine(requireJwks);
export type NetworkEnv = z.infer<typeof networkEnvSchema>;

/** What the demo-network script needs: the database only (events wait in the outbox for the service's relay). */
export const seedEnvSchema = z.object({
  NODE_ENV: shape.NODE_ENV,
  LOG_LEVEL: shape.LOG_LEVEL,
  MONGODB_URI: shape.MONGODB_URI,
  MONGODB_DB: shape.MONGODB_DB,
});
