import { isValidAccountNo, makeAccountNo, mod11_2, provinceOfAccountNo } from './account-no';

describe('accountNo', () => {
  it('computes the ISO 7064 MOD 11-2 check character (GB 11643 vector)', () => {
    // 11010519491231002X is the standard's published example.
    expect(mod11_2('11010519491231002')).toBe('X');
  });

  it('makes valid numbers carrying the province', () => {
    const no = makeAccountNo('33', 17);
    expect(no).toMatch(/^33000000017[0-9X]$/);
    expect(isValidAccountNo(no)).toBe(true);
    expect(provinceOfAccountNo(no)).toBe('33');
  });

  it('rejects a changed digit, bad shapes and non-strings', () => {
    const no = makeAccountNo('44', 123456);
    const flipped = no.slice(0, 5) + ((Number(no[5]) + 1) % 10) + no.slice(6);
    expect(isValidAccountNo(flipped)).toBe(false);
    for (const bad of ['', '33', `${no}0`, no.toLowerCase().replace('x', 'x'), '0300000001' + '1X', 42, null]) {
      if (bad === no) continue;
      expect(isValidAccountNo(bad)).toBe(false);
    }
  });
});
