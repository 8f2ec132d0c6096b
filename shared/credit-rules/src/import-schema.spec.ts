import { mod11_2 } from '@creditbank/kernel';
import {
  CATALOG_CODE_PATTERN,
  MAX_IMPORT_ROWS,
  OUTCOME_IMPORT_ROW_SCHEMA,
  isCatalogCode,
  outcomeImportSchemaDocument,
  provinceOfCatalogCode,
  validateOutcomeImportRow,
  validateOutcomeImportRows,
} from './import-schema';

const now = new Date('2026-11-27T08:00:00Z');
// GB 11643's published example.
const ID = '11010519491231002X';
const withCheck = (body17: string) => body17 + mod11_2(body17);
const row = (over: Record<string, unknown> = {}) => ({
  externalRef: 'ZJ-2026-000123',
  idNumber: ID,
  name: '王秀英',
  type: 'VOCATIONAL',
  catalogItemCode: 'VSC-ELEC-G4',
  title: '电工（四级/中级工）',
  hours: 120,
  credits: null,
  score: 86.5,
  achievedAt: '2026-06-30',
  certificateNo: 'S000033010600123',
  ...over,
});

describe('the outcome import row schema', () => {
  it('lists exactly the fields of OutcomeRowInput, with the required ones of CONTRACT.md', () => {
    const props = Object.keys(OUTCOME_IMPORT_ROW_SCHEMA['properties'] as object).sort();
    expect(props).toEqual(
      [
        'externalRef',
        'idNumber',
        'name',
        'type',
        'catalogItemCode',
        'title',
        'hours',
        'credits',
        'score',
        'achievedAt',
        'certificateNo',
      ].sort(),
    );
    expect([...(OUTCOME_IMPORT_ROW_SCHEMA['required'] as string[])].sort()).toEqual(
      ['externalRef', 'idNumber', 'name', 'type', 'catalogItemCode', 'title', 'achievedAt'].sort(),
    );
    expect(OUTCOME_IMPORT_ROW_SCHEMA['additionalProperties']).toBe(false);
    expect(MAX_IMPORT_ROWS).toBe(5000);
  });

  it('is frozen; the served document is a plain copy', () => {
    expect(Object.isFrozen(OUTCOME_IMPORT_ROW_SCHEMA)).toBe(true);
    const doc = outcomeImportSchemaDocument();
    expect(doc).toEqual(OUTCOME_IMPORT_ROW_SCHEMA);
    (doc['properties'] as Record<string, unknown>)['x'] = 1;
    expect((OUTCOME_IMPORT_ROW_SCHEMA['properties'] as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe('validateOutcomeImportRow', () => {
  it('accepts a good row and normalises it', () => {
    const r = validateOutcomeImportRow(
      row({ idNumber: ' 11010519491231002x ', catalogItemCode: 'vsc-elec-g4', certificateNo: '', name: ' 王秀英 ' }),
      { now },
    );
    expect(r).toEqual({
      ok: true,
      row: { ...row(), idNumber: ID, catalogItemCode: 'VSC-ELEC-G4', certificateNo: null, name: '王秀英' },
    });
  });

  it('accepts the optional fields left out and a date-time', () => {
    const { hours: _h, credits: _c, score: _s, certificateNo: _n, ...minimal } = row();
    const r = validateOutcomeImportRow({ ...minimal, achievedAt: '2026-06-30T10:00:00+08:00' }, { now });
    expect(r.ok && r.row).toMatchObject({ hours: null, credits: null, score: null, certificateNo: null });
  });

  it.each([
    ['externalRef', { externalRef: undefined }, 'REQUIRED'],
    ['externalRef', { externalRef: 'x'.repeat(65) }, 'INVALID_LENGTH'],
    ['externalRef', { externalRef: 'ref with spaces' }, 'INVALID_FORMAT'],
    ['idNumber', { idNumber: '1101051949123100' }, 'INVALID_LENGTH'],
    ['idNumber', { idNumber: '110105194912310021' }, 'INVALID_CHECK_DIGIT'],
    ['idNumber', { idNumber: '11010519491331002X' }, 'INVALID_FORMAT'],
    ['idNumber', { idNumber: withCheck('11010520250230002') }, 'INVALID_DATE'],
    ['idNumber', { idNumber: withCheck('11010520270101002') }, 'INVALID_DATE'],
    ['name', { name: '' }, 'INVALID_LENGTH'],
    ['name', { name: '王\u0000秀英' }, 'INVALID_FORMAT'],
    ['type', { type: 'FORMAL' }, 'INVALID_VALUE'],
    ['catalogItemCode', { catalogItemCode: 'elec 4' }, 'INVALID_FORMAT'],
    ['catalogItemCode', { catalogItemCode: '00-X' }, 'INVALID_FORMAT'],
    ['title', { title: 'x'.repeat(201) }, 'INVALID_LENGTH'],
    ['hours', { hours: 0 }, 'OUT_OF_RANGE'],
    ['hours', { hours: 10001 }, 'OUT_OF_RANGE'],
    ['hours', { hours: '12' }, 'INVALID_TYPE'],
    ['credits', { credits: -1 }, 'OUT_OF_RANGE'],
    ['score', { score: 101 }, 'OUT_OF_RANGE'],
    ['achievedAt', { achievedAt: '2026-02-30' }, 'INVALID_FORMAT'],
    ['achievedAt', { achievedAt: '30/06/2026' }, 'INVALID_FORMAT'],
    ['achievedAt', { achievedAt: '2027-01-01' }, 'INVALID_DATE'],
    ['achievedAt', { achievedAt: '1949-12-31' }, 'INVALID_DATE'],
    ['certificateNo', { certificateNo: 'x'.repeat(65) }, 'INVALID_LENGTH'],
    // The platform's free-text rule (kernel freeText): nothing invisible, disguising or broken.
    ['name', { name: '\u200B\u200B' }, 'INVALID_FORMAT'],
    ['name', { name: '王\u202E英' }, 'INVALID_FORMAT'],
    ['title', { title: '电工\uD800' }, 'INVALID_FORMAT'],
    ['title', { title: '电工\u2066课程\u2069' }, 'INVALID_FORMAT'],
    ['certificateNo', { certificateNo: 'S0001\u200D23' }, 'INVALID_FORMAT'],
    ['nickname', { nickname: 'x' }, 'UNKNOWN_FIELD'],
  ])('%s: %j → %s', (field, over, code) => {
    const r = validateOutcomeImportRow(row(over), { now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('reports one error per field, in field order, and never echoes a value', () => {
    const r = validateOutcomeImportRow(row({ idNumber: '12345', name: '', score: 900, secretField: '13800138000' }), { now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['idNumber', 'name', 'score', 'secretField']);
    expect(JSON.stringify(r.errors)).not.toMatch(/12345|13800138000|900/);
  });

  it('accepts rare CJK characters, emoji sequences and Mongolian spelling in text fields', () => {
    for (const name of ['𠀀𠀁', '王秀英👩\u200D🏫', 'ᠮᠣᠩᠭᠣᠯ'])
      expect(validateOutcomeImportRow(row({ name }), { now })).toMatchObject({ ok: true });
  });

  it('names the character rule a text field broke', () => {
    const r = validateOutcomeImportRow(row({ name: '王\u202E英' }), { now });
    expect(r).toMatchObject({
      ok: false,
      errors: [{ field: 'name', code: 'INVALID_FORMAT', message: 'name: contains text-direction characters that are not allowed' }],
    });
  });

  it('refuses what is not an object', () => {
    for (const bad of [null, 'row', 42, [row()]]) expect(validateOutcomeImportRow(bad).ok).toBe(false);
  });
});

describe('validateOutcomeImportRows', () => {
  it('validates a batch and refuses duplicate external references', () => {
    const r = validateOutcomeImportRows([row(), row({ externalRef: 'B-2' }), row(), row({ type: 'X' })], { now });
    expect(r.valid.map((v) => v.index)).toEqual([0, 1]);
    expect(r.errors).toEqual([
      expect.objectContaining({ index: 2, field: 'externalRef', code: 'DUPLICATE_IN_BATCH' }),
      expect.objectContaining({ index: 3, field: 'type', code: 'INVALID_VALUE' }),
    ]);
  });

  it('validates 5000 rows quickly (compiled once)', () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => row({ externalRef: `R-${i}` }));
    const t0 = performance.now();
    const r = validateOutcomeImportRows(rows, { now });
    expect(r.valid).toHaveLength(MAX_IMPORT_ROWS);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('catalogue codes', () => {
  it.each([
    ['VSC-ELEC-G4', true, null],
    ['HL-FIRST-AID', true, null],
    ['33-ZJOU-AGEC101', true, '33'],
    ['44-GDOU-MKT101', true, '44'],
    ['vsc-elec', false, null],
    ['AB', false, null],
    ['33', false, null],
    ['03-X1', false, null],
    ['A--B', false, null],
    [`A${'B'.repeat(40)}`, false, null],
  ])('%s', (code, ok, province) => {
    expect(isCatalogCode(code)).toBe(ok);
    expect(new RegExp(CATALOG_CODE_PATTERN).test(code)).toBe(ok);
    if (ok) expect(provinceOfCatalogCode(code)).toBe(province);
  });
});
