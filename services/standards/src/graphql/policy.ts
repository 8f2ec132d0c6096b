import { PUBLIC, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the standards subgraph (default deny). */
export const standardsPolicy: Policy = {
  'Query.catalogItem': PUBLIC,
};
