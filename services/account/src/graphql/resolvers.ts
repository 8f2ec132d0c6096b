import { mergeResolvers, type Resolvers } from '@creditbank/server';
import type { AccountContext } from './context';
import { learnerResolvers } from './learner.resolver';
import { viewerResolvers } from './viewer.resolver';
import { institutionResolvers } from './institution.resolver';

export function accountResolvers(): Resolvers<AccountContext> {
  return mergeResolvers(learnerResolvers, viewerResolvers, institutionResolvers);
}
