import { mergeResolvers, type Resolvers } from '@creditbank/server';
import type { NetworkContext } from './context';
import { learnerResolvers } from './learner.resolver';
import { learningProjectResolvers } from './learning-project.resolver';
import { serviceNodeResolvers } from './service-node.resolver';

export function networkResolvers(): Resolvers<NetworkContext> {
  return mergeResolvers(serviceNodeResolvers, learningProjectResolvers, learnerResolvers);
}
