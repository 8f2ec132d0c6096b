import { freeText } from '@creditbank/kernel';
import { NAME_RULES } from './learner-input';

describe('learner names (NAME_RULES)', () => {
  const name = (value: string) => freeText(value, 'input.name', NAME_RULES);

  it('keeps ordinary names, normalised and trimmed', () => {
    expect(name(' 王秀英 ')).toBe('王秀英');
    expect(name('阿依古丽·买买提')).toBe('阿依古丽·买买提');
    expect(name('王𠮷')).toBe('王𠮷');
  });

  it.each([
    ['zero-width only', '\u200b\u200b'],
    ['a bidi override', '\u202egnp.exe'],
    ['a lone surrogate', 'a\ud800b'],
    ['a control character', 'a\u0000b'],
    ['markup', '<b>x</b>'],
    ['blank', '   '],
    ['51 characters', '王'.repeat(51)],
  ])('refuses %s naming the field', (_name, value) => {
    expect(() => name(value)).toThrow(expect.objectContaining({ details: { field: 'input.name' } }));
  });
});
