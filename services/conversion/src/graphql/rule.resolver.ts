import type { BaseContext, Resolvers } from '@creditbank/server';

// Rules arrive with the conversion issue; the entity is declared so the graph composes.
export const ruleResolvers: Resolvers<BaseContext> = {
  Query: {
    conversionRule: () => null,
    conversionRules: () => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 }),
  },
  ConversionRule: {
    __resolveReference: () => null,
  },
};
