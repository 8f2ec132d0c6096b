import { serviceEnvSchema, z } from '@creditbank/config';

export const outcomeEnvSchema = serviceEnvSchema('outcome');
export type Env = z.infer<typeof outcomeEnvSchema>;
