import { AUTHENTICATED, PUBLIC, allow, type Policy } from '@creditbank/kernel';

const filterProvince = (args: Record<string, unknown>) => (args['filter'] as { province?: unknown } | undefined)?.province;
const ADMINS = ['CENTER_ADMIN', 'PLATFORM_ADMIN'] as const;

/**
 * Who may call each operation of the intake-network subgraph (default deny). The directory reads are
 * public (CONTRACT.md). Which node, project or learner a caller may act on is decided per record in
 * the use-cases (province of the record; an operator's own subtree; a learner's own account).
 */
export const networkPolicy: Policy = {
  'Query.serviceNode': PUBLIC,
  'Query.serviceNodes': PUBLIC,
  'Query.nearestIntakePoints': PUBLIC,
  'Query.learningProject': AUTHENTICATED,
  'Query.learningProjects': allow(AUTHENTICATED.roles ?? [], { provinceOf: filterProvince }),
  'Mutation.openServiceNode': allow(ADMINS),
  'Mutation.updateServiceNode': allow([...ADMINS, 'INTAKE_OPERATOR']),
  'Mutation.suspendServiceNode': allow(ADMINS),
  'Mutation.resumeServiceNode': allow(ADMINS),
  'Mutation.closeServiceNode': allow(ADMINS),
  'Mutation.reopenServiceNode': allow(ADMINS),
  'Mutation.assignOperator': allow(ADMINS),
  'Mutation.unassignOperator': allow(ADMINS),
  'Mutation.publishLearningProject': allow([...ADMINS, 'INTAKE_OPERATOR']),
  'Mutation.cancelLearningProject': allow([...ADMINS, 'INTAKE_OPERATOR']),
  'Mutation.enrolInLearningProject': allow([...ADMINS, 'INTAKE_OPERATOR', 'LEARNER']),
  'Mutation.cancelEnrolment': allow([...ADMINS, 'INTAKE_OPERATOR', 'LEARNER']),
};
