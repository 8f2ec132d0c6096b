import { breakingChanges } from './compatibility';

const base = {
  type: 'object',
  additionalProperties: false,
  required: ['a', 'c'],
  properties: {
    a: { type: 'string', pattern: '^[0-9]+$', maxLength: 10 },
    b: { type: 'integer', minimum: 1, maximum: 100 },
    c: { anyOf: [{ const: 'X' }, { const: 'Y' }] },
    d: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
    e: { type: 'array', items: { type: 'string' }, maxItems: 5 },
  },
};
const withProps = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...base,
  ...extra,
  properties: { ...base.properties, ...props },
});

describe('event schema compatibility', () => {
  it.each([
    ['an identical schema', base],
    ['a new optional field', withProps({ f: { type: 'string' } })],
    ['a widened enum', withProps({ c: { anyOf: [{ const: 'X' }, { const: 'Y' }, { const: 'Z' }] } })],
    ['a relaxed range', withProps({ b: { type: 'integer', minimum: 0, maximum: 1000 } })],
    ['integer widened to number', withProps({ b: { type: 'number', minimum: 1, maximum: 100 } })],
    ['a field made nullable', withProps({ a: { anyOf: [{ type: 'string', pattern: '^[0-9]+$', maxLength: 10 }, { type: 'null' }] } })],
    ['a longer max length', withProps({ a: { type: 'string', pattern: '^[0-9]+$', maxLength: 20 } })],
  ])('accepts %s', (_n, schema) => {
    expect(breakingChanges(base, schema)).toEqual([]);
  });

  it.each([
    [
      'a removed field',
      { ...base, properties: { a: base.properties.a, c: base.properties.c, d: base.properties.d, e: base.properties.e } },
      /data\.b: removed/,
    ],
    ['a renamed field', { ...base, properties: { ...base.properties, b: undefined, bb: base.properties.b } }, /data\.b: removed/],
    ['a newly required field', { ...base, required: ['a', 'c', 'b'] }, /data\.b: newly required/],
    ['a narrowed enum', withProps({ c: { anyOf: [{ const: 'X' }] } }), /no longer allows "Y"/],
    ['a narrowed type', withProps({ b: { type: 'string' } }), /type integer is no longer accepted/],
    ['a tightened range', withProps({ b: { type: 'integer', minimum: 5, maximum: 100 } }), /minimum tightened/],
    ['a changed pattern', withProps({ a: { type: 'string', pattern: '^[0-9]{2}$', maxLength: 10 } }), /pattern changed/],
    ['a field no longer nullable', withProps({ d: { type: 'string', format: 'date-time' } }), /alternative 2/],
    ['a shorter list', withProps({ e: { type: 'array', items: { type: 'string' }, maxItems: 3 } }), /maxItems tightened/],
    ['a changed item type', withProps({ e: { type: 'array', items: { type: 'integer' }, maxItems: 5 } }), /data\.e\[\]: type string/],
  ])('rejects %s', (_n, schema, problem) => {
    const problems = breakingChanges(base, JSON.parse(JSON.stringify(schema)));
    expect(problems.join('\n')).toMatch(problem);
  });
});
