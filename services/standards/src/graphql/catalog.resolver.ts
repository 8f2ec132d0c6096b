import type { BaseContext, Resolvers } from '@creditbank/server';

// The catalogue arrives with the standards issue; the entities are declared so the graph composes.
export const catalogResolvers: Resolvers<BaseContext> = {
  Query: {
    catalogItem: () => null,
  },
  CatalogItem: {
    __resolveReference: () => null,
  },
  Institution: {
    accreditation: () => null,
  },
};
