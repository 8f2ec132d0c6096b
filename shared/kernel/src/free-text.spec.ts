import { BadInputError } from './errors';
import { freeText, type FreeTextRules } from './free-text';

const refusal = (field: string, message?: RegExp) =>
  expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field }, ...(message ? { message: expect.stringMatching(message) } : {}) });

function refuses(value: unknown, rules: FreeTextRules, message?: RegExp): void {
  let thrown: unknown;
  try {
    freeText(value, 'input.name', rules);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BadInputError);
  expect(thrown).toEqual(refusal('input.name', message));
}

const line: FreeTextRules = { max: 50, required: true };
const notes: FreeTextRules = { max: 500, multiline: true };

describe('freeText', () => {
  it('keeps ordinary text, NFC-normalised and trimmed', () => {
    expect(freeText(' 王秀英 ', 'input.name', line)).toBe('王秀英');
    expect(freeText('阿依古丽·买买提', 'input.name', line)).toBe('阿依古丽·买买提');
    expect(freeText('\u3000欧阳 明\u00a0', 'input.name', line)).toBe('欧阳 明');
    // e + combining acute becomes é.
    expect(freeText('Jose\u0301', 'input.name', line)).toBe('Jos\u00e9');
    expect(freeText('A < B & C', 'input.title', { max: 20 })).toBe('A < B & C');
  });

  it('reads an absent, empty or blank optional value as null', () => {
    for (const v of [undefined, null, '', '   ', '\u3000\n']) expect(freeText(v, 'input.note', { max: 10 })).toBeNull();
  });

  it.each([undefined, null, '', '  \t '])('refuses a missing or blank required value (%j)', (v) => {
    refuses(v, line, /empty/);
  });

  it.each([12345, { $gt: '' }, ['a'], true])('refuses a value that is not text (%j)', (v) => {
    refuses(v, line, /text/);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control (BEL)', 'a\u0007b'],
    ['escape', 'x\u001b[31m'],
    ['DEL', 'a\u007fb'],
    ['a C1 control (NEL)', 'a\u0085b'],
    ['a C1 control (CSI)', 'a\u009bb'],
    ['carriage return', 'a\rb'],
  ])('refuses %s, also in multi-line text', (_kind, v) => {
    refuses(v, line, /control/);
    if (v !== 'a\rb') refuses(v, notes, /control/);
  });

  it('allows line breaks and tabs only in multi-line text, with CR LF read as LF', () => {
    refuses('第一行\n第二行', line, /single line/);
    refuses('a\tb', line, /single line/);
    expect(freeText('第一行\r\n\t第二行\r第三行', 'input.note', notes)).toBe('第一行\n\t第二行\n第三行');
    expect(freeText('\n\n  理由  \n', 'input.note', notes)).toBe('理由');
  });

  it.each([
    ['zero-width spaces', '\u200b\u200b'],
    ['a zero-width joiner', '\u200d'],
    ['a byte-order mark and a word joiner', '\ufeff\u2060\u200c'],
    ['Hangul fillers', '\u3164\u115f'],
    ['variation selectors', '\ufe0f\ufe0e'],
    ['a braille blank', '\u2800'],
    ['a soft hyphen between spaces', ' \u00ad '],
  ])('refuses a value of only invisible characters: %s, also when optional', (_kind, v) => {
    refuses(v, line);
    refuses(v, { max: 50 });
  });

  it.each([
    ['right-to-left override (RLO)', '\u202egnp.exe'],
    ['left-to-right override (LRO)', 'abc\u202ddef'],
    ['right-to-left embedding', '\u202b王秀英'],
    ['pop directional formatting', '王秀英\u202c'],
    ['right-to-left isolate', '王\u2067秀英'],
    ['first strong isolate', '王\u2068秀英\u2069'],
    ['right-to-left mark', '王\u200f秀英'],
    ['Arabic letter mark', 'a\u061cb'],
  ])('refuses a bidi control: %s', (_kind, v) => {
    refuses(v, line, /direction/);
    refuses(v, notes, /direction/);
  });

  it.each([
    ['a zero-width space inside', '王\u200b秀英'],
    ['a zero-width joiner between letters', '王\u200d秀英'],
    ['a soft hyphen', 'Zhe\u00adjiang'],
    ['a byte-order mark inside', 'a\ufeffb'],
    ['a stray tag character', 'a\u{E0041}b'],
    ['an interlinear annotation', 'a\ufff9b\ufffbc'],
  ])('refuses an invisible format character: %s', (_kind, v) => {
    refuses(v, line, /invisible/);
  });

  it.each([
    ['high', 'a\ud800b'],
    ['low', 'a\udc00b'],
    ['trailing high', '王秀英\udbff'],
    ['reversed pair', '\ude00\ud83d'],
  ])('refuses a lone %s surrogate', (_kind, v) => {
    refuses(v, line, /surrogate/);
  });

  it('accepts astral characters, emoji sequences, CJK and other scripts of China', () => {
    const ok = [
      '𠀀𪚥𰻝', // CJK Extension B, B, G (rare name characters)
      '王𠮷', // 𠮷 (U+20BB7), a real surname variant
      '学习😀',
      '👩🏽‍🏫 教师', // ZWJ sequence with a skin tone
      '👨‍👩‍👧', // family: ZWJ between emoji
      '❤️‍🔥', // VS16 then ZWJ
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}', // a subdivision flag (tags)
      '🇨🇳',
      'ᠮᠣᠩᠭᠣᠯ', // traditional Mongolian
      'ᠨᠠ\u180eᠠ', // Mongolian vowel separator inside a word
      'བོད་ཡིག', // Tibetan
      'ئۇيغۇرچە', // Uyghur (Arabic script)
      '<b>', // angle brackets allowed unless refused
    ];
    for (const v of ok) expect(freeText(v, 'input.name', line)).toBe(v.normalize('NFC'));
  });

  it('refuses joiners outside the spellings that need them', () => {
    refuses('a\u200d😀', line, /invisible/);
    refuses('😀\u200d', line, /invisible/); // kept after trimming: ZWJ is not whitespace
    refuses('ab\u180ecd', line, /invisible/);
    refuses('a\u{E0067}\u{E007F}', line, /invisible/);
  });

  it('refuses < and > where asked', () => {
    refuses('<b>王</b>', { ...line, noAngleBrackets: true }, /< or >/);
    refuses('a > b', { ...line, noAngleBrackets: true }, /< or >/);
  });

  describe('length, counted in code points after trimming', () => {
    it('allows exactly max characters and refuses one more', () => {
      expect(freeText('x'.repeat(50), 'input.name', line)).toHaveLength(50);
      refuses('x'.repeat(51), line, /at most 50 characters/);
      expect(freeText(` ${'王'.repeat(50)} `, 'input.name', line)).toBe('王'.repeat(50));
      refuses('王'.repeat(51), line, /at most 50/);
    });

    it('counts an astral character once although it is two UTF-16 units', () => {
      const fifty = '𠀀'.repeat(50);
      expect(fifty).toHaveLength(100);
      expect(freeText(fifty, 'input.name', line)).toBe(fifty);
      refuses(`${fifty}𠀀`, line, /at most 50/);
      refuses('😀'.repeat(51), line, /at most 50/);
    });

    it('counts after NFC normalisation (composed accents count once)', () => {
      expect(freeText('e\u0301'.repeat(50), 'input.name', line)).toBe('\u00e9'.repeat(50));
    });

    it('applies a minimum to given values only', () => {
      const rules: FreeTextRules = { min: 2, max: 100 };
      refuses('王', { ...rules, required: true }, /2 to 100 characters/);
      refuses('𠀀', rules, /2 to 100/); // one code point, two UTF-16 units
      expect(freeText('王府', 'input.name', rules)).toBe('王府');
      expect(freeText('  ', 'input.name', rules)).toBeNull();
    });

    it('refuses a huge value quickly', () => {
      const started = Date.now();
      refuses('x'.repeat(16 * 1024 * 1024), line, /at most 50/);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  it('names the given field in the error', () => {
    expect(() => freeText('a\u0000', 'input.teachers.2.name', line)).toThrow(refusal('input.teachers.2.name'));
  });

  it('types the result as a string when required', () => {
    const s: string = freeText('x', 'f', { max: 1, required: true });
    const n: string | null = freeText('', 'f', { max: 1 });
    expect([s, n]).toEqual(['x', null]);
  });
});
