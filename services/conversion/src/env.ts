import { serviceEnvSchema, z } from '@creditbank/config';

export const conversionEnvSchema = serviceEnvSchema('conversion');
export type Env = z.infer<typeof conversionEnvSchema>;
