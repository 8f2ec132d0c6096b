import { PUBLIC, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the conversion subgraph (default deny). */
export const conversionPolicy: Policy = {
  'Query.conversionRule': PUBLIC,
  'Query.conversionRules': PUBLIC,
};
