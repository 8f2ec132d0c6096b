import { mergeResolvers, type Resolvers } from '@creditbank/server';
import type { AccountContext } from './context';
import { learnerResolvers } from './learner.resolver';
import { institutionResolvers } from './institution.resolver';
import { staffResolvers } from './staff.resolver';

export function accountResolvers(): Resolvers<AccountContext> {
  return mergeResolvers(learnerResolvers, institutionResolvers, staffResolvers);
}
