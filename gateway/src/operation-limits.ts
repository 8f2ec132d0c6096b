import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * Caps how often one root field may appear in a single operation (aliases and fragments included), so
 * an aliased brute force (`a1: login(...) a2: login(...) …`) is limited per operation, not per HTTP
 * request. A validation rule: an over-limit operation is refused before any subgraph is called.
 */
export function maxRootFieldOccurrences(limits: Readonly<Record<string, number>>) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const count = (set: SelectionSetNode, counts: Map<string, number>, seen: Set<string>): void => {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) counts.set(s.name.value, (counts.get(s.name.value) ?? 0) + 1);
        else if (s.kind === Kind.INLINE_FRAGMENT) count(s.selectionSet, counts, seen);
        else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          const f = fragments.get(s.name.value);
          if (f) count(f.selectionSet, counts, seen);
        }
      }
    };
    return {
      OperationDefinition(node) {
        const counts = new Map<string, number>();
        count(node.selectionSet, counts, new Set());
        for (const [field, max] of Object.entries(limits)) {
          const n = counts.get(field) ?? 0;
          if (n > max)
            context.reportError(
              new GraphQLError(`Operation limit: at most ${max} '${field}' per operation, found ${n}`, { nodes: [node] }),
            );
        }
      },
    };
  };
}
