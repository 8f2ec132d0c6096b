import { z } from 'zod';
import { ConfigError, envBoolean, envList, loadEnv } from './load-env';
import { serviceEnvSchema } from './service-env';

describe('loadEnv', () => {
  it('reports every problem at once, by variable name, without values', () => {
    const schema = z.object({ PORT: z.coerce.number().int().max(65535), NAME: z.string().min(1), FLAG: envBoolean(false) });
    let error: unknown;
    try {
      loadEnv(schema, { PORT: '99999999', FLAG: 'maybe', SECRET: 'hunter2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toHaveLength(3);
    expect(issues.join('\n')).toMatch(/^PORT:/m);
    expect(issues.join('\n')).toMatch(/^NAME:/m);
    expect(issues.join('\n')).toMatch(/^FLAG:/m);
    expect((error as Error).message).not.toContain('99999999');
  });

  it('parses booleans and lists', () => {
    const schema = z.object({ A: envBoolean(true), B: envBoolean(false), L: envList(['x']) });
    expect(loadEnv(schema, {})).toEqual({ A: true, B: false, L: ['x'] });
    expect(loadEnv(schema, { A: 'no', B: 'TRUE', L: ' a, b ,,c' })).toEqual({ A: false, B: true, L: ['a', 'b', 'c'] });
  });

  it('gives a service safe local defaults and requires token keys', () => {
    expect(() => loadEnv(serviceEnvSchema('account'), {})).toThrow(/JWT_JWKS/);
    const env = loadEnv(serviceEnvSchema('account'), { JWT_JWKS: '{"keys":[]}' });
    expect(env.PORT).toBe(4101);
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.MONGODB_DB).toBe('creditbank_account');
    expect(env.KAFKA_BROKERS).toEqual(['127.0.0.1:19092']);
  });

  it("bounds the size of a message consumers accept (default: the topics' 1 MiB)", () => {
    const jwks = { JWT_JWKS: '{"keys":[]}' };
    expect(loadEnv(serviceEnvSchema('analytics'), jwks).KAFKA_CONSUMER_MAX_MESSAGE_BYTES).toBe(1_048_576);
    expect(
      loadEnv(serviceEnvSchema('analytics'), { ...jwks, KAFKA_CONSUMER_MAX_MESSAGE_BYTES: '65536' }).KAFKA_CONSUMER_MAX_MESSAGE_BYTES,
    ).toBe(65_536);
    for (const bad of ['0', '100', '99999999', '1.5', 'big'])
      expect(() => loadEnv(serviceEnvSchema('analytics'), { ...jwks, KAFKA_CONSUMER_MAX_MESSAGE_BYTES: bad })).toThrow(
        /KAFKA_CONSUMER_MAX_MESSAGE_BYTES/,
      );
  });
});
