import { accredit, effectiveStatus, mayDeposit, parseAccreditTerms, suspend } from './accreditation';

const now = new Date('2026-11-27T08:00:00Z');
const inst = { code: '523301060000044EFH', province: '33' };

describe('accreditation', () => {
  const terms = parseAccreditTerms(
    { institutionCode: inst.code, outcomeTypes: ['NON_ACADEMIC', 'VOCATIONAL'], bulkDeposit: true, validUntil: '2027-12-31' },
    now,
  );

  it('takes a date as valid through that day, China time, and orders the types', () => {
    expect(terms.validUntil.toISOString()).toBe('2027-12-31T15:59:59.999Z');
    expect(terms.outcomeTypes).toEqual(['VOCATIONAL', 'NON_ACADEMIC']);
  });

  it.each([
    [{ outcomeTypes: [] }, 'input.outcomeTypes'],
    [{ outcomeTypes: ['VOCATIONAL', 'VOCATIONAL'] }, 'input.outcomeTypes.1'],
    [{ validUntil: '2026-01-01' }, 'input.validUntil'],
    [{ validUntil: '2040-01-01' }, 'input.validUntil'],
    [{ validUntil: '2027-02-30' }, 'input.validUntil'],
  ] as const)('%j is refused on %s', (over, field) => {
    expect(() =>
      parseAccreditTerms(
        { institutionCode: inst.code, outcomeTypes: ['VOCATIONAL'], bulkDeposit: false, validUntil: '2027-01-01', ...over } as never,
        now,
      ),
    ).toThrow(expect.objectContaining({ details: { field } }) as Error);
  });

  it('honours expiry, suspension and the accredited types', () => {
    const a = accredit(null, inst, terms, now, 'admin');
    expect(effectiveStatus(a, now)).toBe('ACTIVE');
    expect(mayDeposit(a, 'VOCATIONAL', now, true)).toBe(true);
    expect(mayDeposit(a, 'ACADEMIC', now, false)).toBe(false);
    const after = new Date('2028-01-01T00:00:00Z');
    expect(effectiveStatus(a, after)).toBe('EXPIRED');
    expect(mayDeposit(a, 'VOCATIONAL', after, false)).toBe(false);
    expect(() => suspend(a, '数据不实', after, 'admin')).toThrow(/expired/);
    const s = suspend(a, '数据不实', now, 'admin');
    expect(s).toMatchObject({ status: 'SUSPENDED', suspendReason: '数据不实' });
    expect(mayDeposit(s, 'VOCATIONAL', now, false)).toBe(false);
    expect(() => suspend(s, 'again', now, 'admin')).toThrow(expect.objectContaining({ code: 'CONFLICT' }) as Error);
    const restored = accredit(s, inst, { ...terms, bulkDeposit: false }, now, 'admin');
    expect(restored).toMatchObject({ status: 'ACTIVE', suspendReason: null, bulkDeposit: false });
    expect(restored.history.map((h) => h.action)).toEqual(['ACCREDITED', 'SUSPENDED', 'ACCREDITED']);
    expect(mayDeposit(restored, 'VOCATIONAL', now, true)).toBe(false);
  });
});
