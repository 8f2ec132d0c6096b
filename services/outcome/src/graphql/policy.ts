import { AUTHENTICATED, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the outcome subgraph (default deny). */
export const outcomePolicy: Policy = {
  'Query.outcome': AUTHENTICATED,
};
