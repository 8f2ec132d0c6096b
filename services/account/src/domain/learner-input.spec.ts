import { requireName } from './learner-input';

describe('requireName', () => {
  it('keeps ordinary names, normalised and trimmed', () => {
    expect(requireName(' 王秀英 ', 'input.name')).toBe('王秀英');
    expect(requireName('阿依古丽·买买提', 'input.name')).toBe('阿依古丽·买买提');
  });

  it.each([
    ['zero-width only', '\u200b\u200b'],
    ['a bidi override', '\u202egnp.exe'],
    ['a lone surrogate', 'a\ud800b'],
    ['a control character', 'a\u0000b'],
    ['markup', '<b>x</b>'],
    ['blank', '   '],
  ])('refuses %s naming the field', (_name, value) => {
    expect(() => requireName(value, 'input.name')).toThrow(expect.objectContaining({ details: { field: 'input.name' } }));
  });
});
