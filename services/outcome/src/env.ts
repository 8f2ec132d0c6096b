import { DEV_ID_HASH_KEY, envInt, requireJwks, requireSaslCredentials, serviceEnvShape, z } from '@creditbank/config';

export const outcomeEnvSchema = z
  .object({
    ...serviceEnvShape('outcome'),
    /** The same key as the account service's: rows name learners by ID number, matched by keyed hash. */
    ID_HASH_KEY: z.string().min(32, 'at least 32 characters').default(DEV_ID_HASH_KEY),
    /** Key that signs outcome certificates (PEM, ES256) and its kid in CERT_JWKS. */
    CERT_SIGNING_KEY: z.string().optional(),
    CERT_SIGNING_KEY_FILE: z.string().optional(),
    CERT_SIGNING_KID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    /** Published certificate keys (JWKS): the current one and those still verifying older certificates. */
    CERT_JWKS: z.string().optional(),
    CERT_JWKS_FILE: z.string().optional(),
    CERT_ISSUER_ID: z.string().url().default('https://creditbank.example.gov.cn'),
    /** Name printed as issuer, per province: JSON object of province code → name. */
    CERT_ISSUER_NAMES: z.string().default(JSON.stringify({ '33': '浙江省终身学习学分银行', '44': '广东省终身学习学分银行' })),
    /** A font with Chinese and Latin glyphs for printable certificates (Debian's fonts-wqy-microhei). */
    CERT_FONT_FILE: z.string().default('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
    /** The PostScript name of the face to use when CERT_FONT_FILE is a collection (.ttc). */
    CERT_FONT_FACE: z.string().default('WenQuanYiMicroHei'),
    /** Public base URL of this service (PDF links) and of the verification page (QR codes). */
    PUBLIC_URL: z.string().url().default('http://localhost:4102'),
    VERIFY_URL: z.string().url().default('http://localhost:3000/verify'),
    /**
     * How often outcomes waiting for their province's credit standard are looked at again (besides
     * right after a credit standard is published: this catches one that comes into force later).
     */
    AWAITING_STANDARD_SWEEP_MS: envInt(600_000, 10, 86_400_000),
  })
  .superRefine((env, ctx) => {
    requireJwks(env, ctx);
    requireSaslCredentials(env, ctx);
    if (!env.CERT_SIGNING_KEY && !env.CERT_SIGNING_KEY_FILE)
      ctx.addIssue({ code: 'custom', path: ['CERT_SIGNING_KEY'], message: 'set CERT_SIGNING_KEY (PEM) or CERT_SIGNING_KEY_FILE' });
    if (!env.CERT_SIGNING_KID)
      ctx.addIssue({ code: 'custom', path: ['CERT_SIGNING_KID'], message: 'required: the kid of the certificate key in CERT_JWKS' });
    if (!env.CERT_JWKS && !env.CERT_JWKS_FILE)
      ctx.addIssue({ code: 'custom', path: ['CERT_JWKS'], message: 'set CERT_JWKS (a JWKS document) or CERT_JWKS_FILE' });
    if (env.NODE_ENV === 'production' && env.ID_HASH_KEY === DEV_ID_HASH_KEY)
      ctx.addIssue({ code: 'custom', path: ['ID_HASH_KEY'], message: 'set a real key in production' });
  });

export type OutcomeEnv = z.infer<typeof outcomeEnvSchema>;
