import { withoutInputValues, withoutSuggestions } from './error-masking';

describe('error messages carry no submitted values', () => {
  it.each([
    [
      'Variable "$rows" got invalid value { externalRef: "r", idNumber: "11010519491231002X", name: "张三" } at "rows[10]"; Field "unexpected" is not defined by type "OutcomeRowInput".',
      'Variable "$rows" got an invalid value at "rows[10]"; Field "unexpected" is not defined by type "OutcomeRowInput".',
    ],
    [
      'Variable "$input" got invalid value 11010519491231002 at "input.idNumber"; String cannot represent a non string value: 11010519491231002',
      'Variable "$input" got an invalid value at "input.idNumber"; String cannot represent a non string value.',
    ],
    [
      'Variable "$i" got invalid value "13800138000"; Expected type "Int". Int cannot represent non-integer value',
      'Variable "$i" got an invalid value',
    ],
    [
      'Variable "$input" got invalid value { name: "张三; x" }; Field "idNumber" of required type "String!" was not provided.',
      'Variable "$input" got an invalid value; Field "idNumber" of required type "String!" was not provided.',
    ],
    ['Expected value of type "Int!", found "13800138000".', 'Expected value of type "Int!".'],
    ['Cannot query field "x" on type "Query".', 'Cannot query field "x" on type "Query".'],
  ])('%s', (input, expected) => {
    expect(withoutInputValues(input)).toBe(expected);
  });

  it('drops suggestions', () => {
    expect(withoutSuggestions('Cannot query field "serviceNod" on type "Query". Did you mean "serviceNode"?')).toBe(
      'Cannot query field "serviceNod" on type "Query".',
    );
  });
});
