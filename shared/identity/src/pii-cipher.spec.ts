import { randomBytes } from 'node:crypto';
import { createPiiCipher, parsePiiKeys } from './pii-cipher';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('PII cipher', () => {
  it('round-trips and never stores the plain text', () => {
    const c = createPiiCipher(new Map([['k1', k1]]), 'k1');
    const sealed = c.encrypt('11010519491231002X', 'idNumber');
    expect(sealed).not.toContain('11010519491231002X');
    expect(sealed).not.toBe(c.encrypt('11010519491231002X', 'idNumber')); // fresh IV
    expect(c.decrypt(sealed, 'idNumber')).toBe('11010519491231002X');
  });

  it('binds the purpose and detects tampering', () => {
    const c = createPiiCipher(new Map([['k1', k1]]), 'k1');
    const sealed = c.encrypt('13800138000', 'phone');
    expect(() => c.decrypt(sealed, 'idNumber')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => c.decrypt(parts.join('.'), 'phone')).toThrow();
  });

  it('reads values sealed with an older key after rotation', () => {
    const old = createPiiCipher(new Map([['k1', k1]]), 'k1');
    const sealed = old.encrypt('张三', 'name');
    const rotated = createPiiCipher(
      new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      'k2',
    );
    expect(rotated.decrypt(sealed, 'name')).toBe('张三');
    expect(rotated.kidOf(rotated.encrypt('张三', 'name'))).toBe('k2');
  });

  it('validates key material', () => {
    expect(() => parsePiiKeys('{"k1":"c2hvcnQ="}')).toThrow(/32 bytes/);
    expect(() => parsePiiKeys('[]')).toThrow();
    expect(parsePiiKeys(JSON.stringify({ k1: k1.toString('base64') })).get('k1')).toEqual(k1);
  });
});
