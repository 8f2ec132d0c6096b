import { checkResidentId, makeResidentId, maskName, maskPhone, maskResidentId, parseResidentId } from './resident-id';
import { idHash } from './id-hash';

const today = new Date('2026-11-27T00:00:00Z');

describe('GB 11643 resident ID numbers', () => {
  it('accepts the standard example and derives birth date and gender', () => {
    const r = checkResidentId('11010519491231002X', today);
    expect(r).toEqual({
      ok: true,
      id: { value: '11010519491231002X', division: '110105', province: '11', birthDate: '1949-12-31', birthYear: 1949, gender: 'FEMALE' },
    });
  });

  it('normalises a lowercase x', () => {
    const r = checkResidentId('11010519491231002x', today);
    expect(r.ok && r.id.value).toBe('11010519491231002X');
  });

  it.each([
    ['bad check digit', '110105194912310021', 'checksum'],
    ['too short', '11010519491231002', 'format'],
    ['letters', '1101051949123100AX', 'format'],
    ['impossible date', makeResidentId('110105', '1990-02-30', 12), 'birth-date'],
    ['future birth', makeResidentId('330106', '2030-01-01', 12), 'birth-date'],
    ['before 1900', makeResidentId('330106', '1899-12-31', 12), 'birth-date'],
    ['unknown province', makeResidentId('990106', '1990-01-01', 12), 'division'],
  ])('rejects %s', (_n, value, problem) => {
    expect(checkResidentId(value, today)).toEqual({ ok: false, problem });
  });

  it('throws BAD_USER_INPUT naming the field without echoing the number', () => {
    try {
      parseResidentId('110105194912310021', 'input.idNumber', today);
      throw new Error('expected rejection');
    } catch (e) {
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'input.idNumber' } });
      expect((e as Error).message).not.toContain('110105194912310021');
    }
  });

  it('masks', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
    expect(maskPhone('13800138000')).toBe('138****8000');
  });

  it('hashes normalised numbers with a key', () => {
    const key = 'k'.repeat(32);
    expect(idHash('11010519491231002x', key)).toBe(idHash('11010519491231002X', key));
    expect(idHash('11010519491231002X', key)).not.toBe(idHash('11010519491231002X', 'j'.repeat(32)));
    expect(idHash('11010519491231002X', key)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('maskName', () => {
  it('keeps only the first and last character', () => {
    expect(maskName('王秀英')).toBe('王*英');
    expect(maskName('李芳')).toBe('李*');
    expect(maskName('欧阳秀兰')).toBe('欧**兰');
    expect(maskName('Z')).toBe('Z');
  });
});
