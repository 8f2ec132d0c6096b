import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';

/**
 * Bad variants generated from a valid base call: for every argument and every input field (through
 * nested input objects and the first element of lists), values wrong for its GraphQL type and for
 * text in general. Each variant changes exactly one place of the base variables.
 */
export const MISSING = Symbol('missing');

export type VariantKind =
  | 'missing'
  | 'null'
  | 'empty'
  | 'blank'
  | 'oversized'
  | 'NUL byte'
  | '$where string'
  | '$gt string'
  | 'zero-width only'
  | 'right-to-left override'
  | 'lone surrogate'
  | 'operator object'
  | 'number for text'
  | 'malformed id'
  | 'wrong enum'
  | 'lower-case enum'
  | 'negative'
  | 'fraction for Int'
  | 'over Int range'
  | 'huge number'
  | 'NaN string'
  | 'Infinity string'
  | 'numeric string'
  | 'text for Boolean'
  | 'text for object'
  | 'unknown field $where'
  | 'empty list'
  | 'oversized list'
  | 'null element';

export interface Variant {
  /** Where in the variables: argument name, then input fields and list indexes. */
  path: Array<string | number>;
  /** The GraphQL type at that place, e.g. `String!`. */
  type: string;
  /** The named type (String, ID, Int, an enum or input object name). */
  named: string;
  kind: VariantKind;
  value: unknown;
}

/** Oversized text: one character past the largest bound of any field (a course syllabus, 20,000 characters). */
export const OVERSIZED_TEXT = 'x'.repeat(20_001);
/** Oversized lists: twice the largest batch any mutation accepts (5,000 rows). */
export const OVERSIZED_LIST = 10_001;

const TEXT: Array<[VariantKind, unknown]> = [
  ['empty', ''],
  ['blank', '   '],
  ['oversized', OVERSIZED_TEXT],
  ['NUL byte', 'a\u0000b'],
  ['$where string', '$where: function() { return true }'],
  ['$gt string', '{"$gt": ""}'],
  ['zero-width only', '\u200b\u200b'],
  ['right-to-left override', '\u202egnp.exe'],
  ['lone surrogate', 'a\ud800b'],
  ['operator object', { $gt: '' }],
];

function scalarVariants(name: string, base: unknown): Array<[VariantKind, unknown]> {
  switch (name) {
    case 'String':
      return [...TEXT, ['number for text', 12345]];
    case 'ID':
      return [...TEXT, ['malformed id', '!@#$%^&*()']];
    case 'Int':
      return [
        ['negative', -1],
        ['fraction for Int', 1.5],
        ['over Int range', 2 ** 31],
        ['numeric string', '10'],
        ['operator object', { $gt: 0 }],
      ];
    case 'Float':
      return [
        ['negative', -1],
        ['huge number', 1e300],
        ['NaN string', 'NaN'],
        ['Infinity string', 'Infinity'],
        ['operator object', { $gt: 0 }],
      ];
    case 'Boolean':
      return [
        ['text for Boolean', 'true'],
        ['operator object', { $ne: false }],
      ];
    default:
      throw new Error(`no bad variants for scalar ${name} (base ${JSON.stringify(base)}) — extend the generator`);
  }
}

function variantsAt(type: GraphQLInputType, base: unknown, path: Array<string | number>, out: Variant[]): void {
  const required = isNonNullType(type);
  const inner = required ? type.ofType : type;
  const named = getNamedType(type).name;
  const push = (kind: VariantKind, value: unknown) => out.push({ path, type: type.toString(), named, kind, value });
  if (required) {
    push('missing', MISSING);
    push('null', null);
  }
  if (isListType(inner)) {
    push('empty list', []);
    if (Array.isArray(base) && base.length)
      push(
        'oversized list',
        Array.from({ length: OVERSIZED_LIST }, () => base[0] as unknown),
      );
    if (isNonNullType(inner.ofType)) push('null element', [null]);
    if (Array.isArray(base) && base.length) variantsAt(inner.ofType, base[0], [...path, 0], out);
    return;
  }
  if (isInputObjectType(inner)) {
    push('text for object', 'x');
    // Fields of an optional object the base leaves out are not varied (the base names every one worth it).
    if (base === undefined) return;
    push('unknown field $where', { ...(base as Record<string, unknown>), $where: 'function() { return true }' });
    const given = base as Record<string, unknown>;
    for (const f of Object.values(inner.getFields())) {
      // Optional fields the base leaves out get the variants too (a bad value given where none was).
      if (f.name in given) variantsAt(f.type, given[f.name], [...path, f.name], out);
      else if (!isNonNullType(f.type)) variantsAt(f.type, undefined, [...path, f.name], out);
    }
    return;
  }
  if (isEnumType(inner)) {
    push('wrong enum', 'NOT_A_VALUE');
    const value = typeof base === 'string' ? base : inner.getValues()[0]!.value;
    push('lower-case enum', String(value).toLowerCase());
    push('operator object', { $in: [value] });
    return;
  }
  if (isScalarType(inner)) {
    for (const [kind, value] of scalarVariants(inner.name, base)) push(kind, value);
    return;
  }
  throw new Error(`no bad variants for ${type.toString()} at ${path.join('.')}`);
}

/** Every bad variant of a call with these arguments and valid base variables. */
export function badVariants(args: readonly GraphQLArgument[], base: Record<string, unknown>): Variant[] {
  const out: Variant[] = [];
  for (const a of args) {
    if (a.name in base) variantsAt(a.type, base[a.name], [a.name], out);
    else if (!isNonNullType(a.type)) variantsAt(a.type, undefined, [a.name], out);
    else throw new Error(`the base leaves out the required argument ${a.name}`);
  }
  return out;
}

/** The base variables with one variant applied (deep copy of the changed branch only). */
export function applyVariant(base: Record<string, unknown>, v: Variant): Record<string, unknown> {
  const set = (node: unknown, i: number): unknown => {
    const key = v.path[i]!;
    const last = i === v.path.length - 1;
    if (Array.isArray(node)) {
      const copy = [...node];
      copy[key as number] = last ? v.value : set(copy[key as number], i + 1);
      return copy;
    }
    const copy = { ...((node ?? {}) as Record<string, unknown>) };
    if (last && v.value === MISSING) delete copy[key];
    else copy[key] = last ? v.value : set(copy[key], i + 1);
    return copy;
  };
  return set(base, 0) as Record<string, unknown>;
}

/** `input.rules.0.credits` */
export const dotted = (path: ReadonlyArray<string | number>): string => path.join('.');

/** The last named (non-index) segment: what an error must name. */
export function leafName(path: ReadonlyArray<string | number>): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return '';
}
