import { AUTHENTICATED, PUBLIC, allow, type Policy } from '@creditbank/kernel';

/** Who may call each operation of the conversion subgraph (default deny). Record-level access is in the use-cases. */
export const conversionPolicy: Policy = {
  'Query.conversionRule': PUBLIC,
  'Query.conversionRules': PUBLIC,
  'Query.conversionApplication': AUTHENTICATED,
  'Query.conversionApplications': allow(['INTAKE_OPERATOR', 'CENTER_ADMIN', 'EXPERT', 'UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']),
  'Query.simulateConversion': allow(['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Query.rewardItems': AUTHENTICATED,
  'Query.webhookSubscriptions': allow(['UNIVERSITY_PARTNER', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Query.webhookDeliveries': allow(['UNIVERSITY_PARTNER', 'CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.draftConversionRule': allow(['EXPERT', 'CENTER_ADMIN', 'UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']),
  'Mutation.publishConversionRule': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.retireConversionRule': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN']),
  'Mutation.submitConversion': allow(['LEARNER', 'INTAKE_OPERATOR']),
  'Mutation.preliminaryReview': allow(['INTAKE_OPERATOR'], { requires: ['node'] }),
  'Mutation.decideConversion': allow(['CENTER_ADMIN', 'UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']),
  'Mutation.cancelConversion': allow(['LEARNER', 'INTAKE_OPERATOR']),
  'Mutation.upsertRewardItem': allow(['CENTER_ADMIN', 'PLATFORM_ADMIN'], {
    provinceOf: (args) => (args['input'] as { province?: string | null } | undefined)?.province,
  }),
  'Mutation.redeemReward': allow(['LEARNER', 'INTAKE_OPERATOR']),
  'Mutation.createWebhookSubscription': allow(['UNIVERSITY_PARTNER'], { requires: ['inst'] }),
  'Mutation.rotateWebhookSecret': allow(['UNIVERSITY_PARTNER'], { requires: ['inst'] }),
  'Mutation.replayWebhookDelivery': allow(['UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']),
};
