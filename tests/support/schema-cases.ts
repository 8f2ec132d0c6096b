import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/** The composed supergraph the gateway serves: the source of every generated case. */
export function supergraphSchema(): GraphQLSchema {
  return buildSchema(readFileSync(join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'), 'utf8'));
}

export interface RootField {
  operation: 'query' | 'mutation';
  name: string;
  field: GraphQLField<unknown, unknown>;
}

export function rootFields(schema: GraphQLSchema): RootField[] {
  const out: RootField[] = [];
  for (const [operation, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) out.push({ operation, name: field.name, field });
  }
  return out;
}

/** Values for arguments and input fields, by name; anything else gets a type-shaped placeholder. */
export type ValueFor = (name: string, type: GraphQLNamedType) => unknown;

/** A minimal value for an input type: required fields only, plus every field `include` names. */
export function sampleInput(type: GraphQLInputType, name: string, valueFor: ValueFor, include: ReadonlySet<string> = new Set()): unknown {
  if (isNonNullType(type)) return sampleInput(type.ofType, name, valueFor, include);
  if (isListType(type)) return [sampleInput(type.ofType, name, valueFor, include)];
  const own = valueFor(name, type);
  if (own !== undefined) return own;
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) || include.has(f.name)) out[f.name] = sampleInput(f.type, f.name, valueFor, include);
    }
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return true;
      case 'String':
      case 'ID':
        return 'x';
      case 'JSON':
        return {};
    }
  }
  throw new Error(`no sample value for ${name}: ${type.toString()} — extend the generator`);
}

/** A selection of the scalar fields (without required arguments) of a type, `depth` object levels deep. */
export function sampleSelection(type: GraphQLOutputType, depth = 3): string {
  const named = getNamedType(type);
  if (isUnionType(named) || isInterfaceType(named)) return '{ __typename }';
  if (!isObjectType(named)) return '';
  const parts: string[] = ['__typename'];
  for (const f of Object.values(named.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type))) continue;
    const inner = getNamedType(f.type);
    if (isObjectType(inner) || isUnionType(inner) || isInterfaceType(inner)) {
      if (depth > 1) parts.push(`${f.name} ${sampleSelection(f.type, depth - 1)}`);
    } else parts.push(f.name);
  }
  return `{ ${parts.join(' ')} }`;
}

/** An operation calling one root field with variables for its arguments. */
export function operationFor(
  root: RootField,
  valueFor: ValueFor,
  options: { include?: ReadonlySet<string>; depth?: number } = {},
): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const defs: string[] = [];
  const args: string[] = [];
  for (const a of root.field.args) {
    if (!isNonNullType(a.type) && !options.include?.has(a.name)) continue;
    variables[a.name] = sampleInput(a.type, a.name, valueFor, options.include);
    defs.push(`$${a.name}: ${a.type.toString()}`);
    args.push(`${a.name}: $${a.name}`);
  }
  const query = `${root.operation} Case${defs.length ? `(${defs.join(', ')})` : ''} { ${root.name}${args.length ? `(${args.join(', ')})` : ''} ${sampleSelection(root.field.type, options.depth)} }`;
  return { query, variables };
}
