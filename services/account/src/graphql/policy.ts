import { AUTHENTICATED, PROVINCE_STAFF, PUBLIC, allow, type Policy } from '@creditbank/kernel';

const inputProvince = (args: Record<string, unknown>) => (args['input'] as { province?: unknown } | undefined)?.province;
const filterProvince = (args: Record<string, unknown>) => (args['filter'] as { province?: unknown } | undefined)?.province;

/**
 * Who may call each operation of the account subgraph (default deny). Which learner or institution
 * a caller may see is decided per record in the use-cases (same province, or the learner themself).
 */
export const accountPolicy: Policy = {
  'Query.me': PUBLIC,
  'Query.learner': AUTHENTICATED,
  'Query.learners': allow(PROVINCE_STAFF, { provinceOf: filterProvince }),
  'Query.learnerByIdNumber': allow(PROVINCE_STAFF),
  'Query.institution': AUTHENTICATED,
  'Query.institutions': allow(
    ['INTAKE_OPERATOR', 'INSTITUTION_ADMIN', 'EXPERT', 'UNIVERSITY_PARTNER', 'CENTER_ADMIN', 'ANALYST', 'PLATFORM_ADMIN'],
    {
      provinceOf: filterProvince,
    },
  ),
  'Mutation.login': PUBLIC,
  'Mutation.registerLearnerOnline': PUBLIC,
  'Mutation.openLearnerAccount': allow(['INTAKE_OPERATOR'], { requires: ['node'] }),
  'Mutation.updateLearnerProfile': allow(['LEARNER', ...PROVINCE_STAFF]),
  'Mutation.freezeLearnerAccount': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.unfreezeLearnerAccount': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.closeLearnerAccount': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.registerInstitution': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], { provinceOf: inputProvince }),
  'Mutation.updateInstitution': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.createStaffUser': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], { provinceOf: inputProvince }),
};
