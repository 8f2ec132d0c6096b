import { noteText } from './access';

describe('noteText', () => {
  it('keeps ordinary text, trimmed and NFC-normalised', () => {
    expect(noteText('  同意转换  ', 'note', true)).toBe('同意转换');
    expect(noteText('', 'note', false)).toBeNull();
  });

  it.each([
    ['\u200b\u200b', /required/],
    ['奖励\u202e品', /not allowed/],
    ['\ud800x', /not allowed/],
    ['a\u0007b', /control/],
    ['x'.repeat(101), /at most 100/],
  ])('refuses %j', (value, message) => {
    expect(() => noteText(value, 'input.name', true, 100)).toThrow(message);
  });
});
