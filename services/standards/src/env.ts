import { envInt, requireJwks, requireSaslCredentials, serviceEnvShape, z } from '@creditbank/config';

export const standardsEnvShape = {
  ...serviceEnvShape('standards'),
  /** Expert approvals that certify a course (课程认证); any rejection rejects. */
  CERTIFICATION_APPROVALS: envInt(2, 1, 9),
} as const;

export const standardsEnvSchema = z.object(standardsEnvShape).superRefine((env, ctx) => {
  requireJwks(env, ctx);
  requireSaslCredentials(env, ctx);
});
export type Env = z.infer<typeof standardsEnvSchema>;
