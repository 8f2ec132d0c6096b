import type { Resolvers } from '@creditbank/server';
import type { ServiceNode } from '../domain/service-node';
import { openServiceNode, type OpenServiceNodeInput } from '../use-cases/open-service-node.use-case';
import type { NetworkContext } from './context';

export const serviceNodeResolvers: Resolvers<NetworkContext> = {
  Query: {
    serviceNode: (_: unknown, args: { id: string }, ctx: NetworkContext) => ctx.loaders.node.load(args.id),
  },
  Mutation: {
    openServiceNode: (_: unknown, args: { input: OpenServiceNodeInput }, ctx: NetworkContext) =>
      openServiceNode(ctx.deps.nodes, ctx.command(), args.input),
  },
  ServiceNode: {
    __resolveReference: (ref: { id: string }, ctx: NetworkContext) => ctx.loaders.node.load(ref.id),
    parent: (n: ServiceNode, _: unknown, ctx: NetworkContext) => (n.parentId ? ctx.loaders.node.load(n.parentId) : null),
    children: (n: ServiceNode, _: unknown, ctx: NetworkContext) => ctx.loaders.children.load(n.id),
  },
};
