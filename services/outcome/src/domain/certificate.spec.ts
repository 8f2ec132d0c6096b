import { makeVerificationCode, normaliseVerificationCode } from './certificate';

describe('certificates', () => {
  it('makes short codes and reads them back however people type them', () => {
    const code = makeVerificationCode(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(normaliseVerificationCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    expect(normaliseVerificationCode('too-short')).toBeNull();
    expect(normaliseVerificationCode('O0O0-IIII-LLLL')).toBe('0000-1111-1111');
  });
});
