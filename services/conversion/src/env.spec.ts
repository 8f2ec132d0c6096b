import { loadEnv } from '@creditbank/config';
import { conversionEnvSchema } from './env';

const base = { JWT_JWKS: JSON.stringify({ keys: [] }) };

describe('conversion environment', () => {
  it('allows a local demo receiver in development', () => {
    const env = loadEnv(conversionEnvSchema, { ...base, WEBHOOK_DEV_ALLOWED_ORIGINS: 'http://127.0.0.1:4180' });
    expect(env.WEBHOOK_DEV_ALLOWED_ORIGINS).toEqual(['http://127.0.0.1:4180']);
  });

  it('refuses the development allowlist, plain http and the development keys in production', () => {
    expect(() =>
      loadEnv(conversionEnvSchema, {
        ...base,
        NODE_ENV: 'production',
        WEBHOOK_DEV_ALLOWED_ORIGINS: 'http://127.0.0.1:4180',
        WEBHOOK_ALLOW_HTTP: 'true',
      }),
    ).toThrow(/WEBHOOK_DEV_ALLOWED_ORIGINS/);
  });
});
