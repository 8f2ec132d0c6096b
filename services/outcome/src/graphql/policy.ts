import { AUTHENTICATED, PUBLIC, allow, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the outcome subgraph (default deny). Record-level access is in the use-cases. */
export const outcomePolicy: Policy = {
  'Query.outcome': AUTHENTICATED,
  'Query.outcomesForReview': allow(['INTAKE_OPERATOR', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Query.importBatch': allow(['INSTITUTION_ADMIN', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Query.verifyCertificate': PUBLIC,
  'Mutation.importOutcomes': allow(['INSTITUTION_ADMIN'], { requires: ['inst'] }),
  'Mutation.depositOutcome': allow(['INTAKE_OPERATOR', 'LEARNER']),
  'Mutation.reviewOutcome': allow(['INTAKE_OPERATOR', 'EXPERT', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.revokeOutcome': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN', 'INSTITUTION_ADMIN']),
  'Mutation.issueCertificate': allow(['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.revokeCertificate': allow(['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
};
