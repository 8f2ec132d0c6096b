import { serviceEnvSchema, z } from '@creditbank/config';

export const networkEnvSchema = serviceEnvSchema('intake-network');
export type NetworkEnv = z.infer<typeof networkEnvSchema>;
