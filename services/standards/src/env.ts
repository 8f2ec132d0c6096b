import { serviceEnvSchema, z } from '@creditbank/config';

export const standardsEnvSchema = serviceEnvSchema('standards');
export type Env = z.infer<typeof standardsEnvSchema>;
