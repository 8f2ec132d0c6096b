import { allow, type Policy } from '@creditbank/kernel';

const ANALYSTS = ['ANALYST', 'CENTER_ADMIN', 'PLATFORM_ADMIN'] as const;
const filterProvince = (args: Record<string, unknown>) => (args['filter'] as { province?: unknown } | null | undefined)?.province;

/** Who may call each operation of the analytics subgraph (default deny). Province from the token only. */
export const analyticsPolicy: Policy = {
  'Query.trainingDistribution': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.demographics': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.economicCorrelation': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.hotPrograms': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.learningStars': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.learningFamilies': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.learningCommunities': allow(ANALYSTS, { provinceOf: filterProvince }),
  'Query.trainingReport': allow(ANALYSTS, { provinceOf: (args) => args['province'] }),
  'Query.analyticsFreshness': allow(ANALYSTS),
  'Mutation.upsertRegionalIndicators': allow(['ANALYST', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
};
