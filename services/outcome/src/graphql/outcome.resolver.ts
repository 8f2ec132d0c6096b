import type { BaseContext, Resolvers } from '@creditbank/server';

// Deposits arrive with the outcome issue; the entities are declared so the graph composes.
export const outcomeResolvers: Resolvers<BaseContext> = {
  Query: {
    outcome: () => null,
  },
  LearningOutcome: {
    __resolveReference: () => null,
  },
  Learner: {
    outcomes: () => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 }),
  },
};
