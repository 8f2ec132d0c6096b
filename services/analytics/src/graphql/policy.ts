import { allow, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the analytics subgraph (default deny). */
export const analyticsPolicy: Policy = {
  'Query.analyticsFreshness': allow(['ANALYST', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
};
