import { isValidUscc, makeUscc, parseUscc, usccCheckChar, usccDivision } from './uscc';

describe('GB 32100 unified social credit codes', () => {
  it.each([
    ['91350100M000100Y43', true], // published example (a Fujian company)
    ['91350100m000100y43', true], // lower-case is normalised
    ['91350100M000100Y44', false], // wrong check character
    ['91350100M000100Y4', false], // 17 characters
    ['9135010OM000100Y43', false], // O is not in the alphabet
    ['91350100I000100Y43', false], // I is not in the alphabet
    [12345, false],
  ])('%s → %s', (code, valid) => {
    expect(isValidUscc(code)).toBe(valid);
  });

  it('computes the check character with weights 3^(i-1) mod 31', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('makes valid codes carrying their division', () => {
    for (let i = 0; i < 200; i++) {
      const code = makeUscc('330106', i * 7919);
      expect(isValidUscc(code)).toBe(true);
      expect(usccDivision(code)).toBe('330106');
    }
  });

  it('throws BAD_USER_INPUT naming the field', () => {
    expect(() => parseUscc('91350100M000100Y44', 'input.code')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'input.code' } }) as Error,
    );
    expect(parseUscc(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });
});
