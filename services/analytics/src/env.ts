import { serviceEnvSchema, z } from '@creditbank/config';

export const analyticsEnvSchema = serviceEnvSchema('analytics');
export type AnalyticsEnv = z.infer<typeof analyticsEnvSchema>;
