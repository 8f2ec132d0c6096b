import { Kind, type DocumentNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { authorize, type Policy } from '@creditbank/kernel';
import type { BaseContext, Resolvers } from './subgraph-server';

const ROOT_TYPES = ['Query', 'Mutation'] as const;
const FEDERATION_FIELDS = new Set(['_service', '_entities']);

/** Every root field of an SDL (type and extensions), as `Type.field`. */
export function rootOperations(typeDefs: DocumentNode): string[] {
  const out: string[] = [];
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const node = def as ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
    if (!(ROOT_TYPES as readonly string[]).includes(node.name.value)) continue;
    for (const f of node.fields ?? []) if (!FEDERATION_FIELDS.has(f.name.value)) out.push(`${node.name.value}.${f.name.value}`);
  }
  return out;
}

/**
 * Wrap every Query and Mutation resolver with its policy rule. Fails at start-up when the schema has
 * an operation without a rule, or the policy names one the schema lacks (default deny, checked).
 */
export function guardResolvers<TContext extends BaseContext>(
  typeDefs: DocumentNode,
  resolvers: Resolvers<TContext>,
  policy: Policy,
): Resolvers<TContext> {
  const operations = rootOperations(typeDefs);
  const missing = operations.filter((op) => !(op in policy));
  if (missing.length) throw new Error(`no authorisation rule for: ${missing.join(', ')}`);
  const unknown = Object.keys(policy).filter((op) => !operations.includes(op));
  if (unknown.length) throw new Error(`authorisation rules for operations not in the schema: ${unknown.join(', ')}`);

  const guarded: Record<string, unknown> = { ...resolvers };
  for (const typeName of ROOT_TYPES) {
    const fields = resolvers[typeName] as Record<string, unknown> | undefined;
    if (!fields) continue;
    const wrapped: Record<string, unknown> = {};
    for (const [field, resolver] of Object.entries(fields)) {
      const rule = policy[`${typeName}.${field}`];
      if (typeof resolver !== 'function') throw new Error(`${typeName}.${field} must be a function resolver`);
      const fn = resolver as (parent: unknown, args: Record<string, unknown>, ctx: TContext, info: unknown) => unknown;
      wrapped[field] = (parent: unknown, args: Record<string, unknown>, ctx: TContext, info: unknown) => {
        authorize(ctx.caller, rule, args);
        return fn(parent, args, ctx, info);
      };
    }
    guarded[typeName] = wrapped;
  }
  return guarded as Resolvers<TContext>;
}
