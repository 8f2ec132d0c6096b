import type { Resolvers } from '@creditbank/server';
import type { AccountContext } from './context';

// Institutions arrive with the account issue; the entity is declared so the graph composes.
export const institutionResolvers: Resolvers<AccountContext> = {
  Institution: {
    __resolveReference: () => null,
  },
};
