import { PUBLIC, allow, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the intake-network subgraph (default deny). */
export const networkPolicy: Policy = {
  'Query.serviceNode': PUBLIC,
  'Mutation.openServiceNode': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
};
