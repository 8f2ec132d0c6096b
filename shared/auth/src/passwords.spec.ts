import { generateInitialPassword, hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hashes with a salt and verifies', async () => {
    const a = await hashPassword('correct horse 1');
    const b = await hashPassword('correct horse 1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse 1', a)).toBe(true);
    expect(await verifyPassword('correct horse 2', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('generates readable one-time passwords', () => {
    for (let i = 0; i < 50; i++) {
      const p = generateInitialPassword();
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{10}$/);
      expect(p).toMatch(/[2-9]/);
    }
  });
});
