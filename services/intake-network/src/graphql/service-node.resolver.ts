import { BadInputError } from '@creditbank/kernel';
import type { Resolvers } from '@creditbank/server';
import { distanceKm } from '../domain/geo';
import { parseStatus, type NodeHistoryEntry, type ServiceNode } from '../domain/service-node';
import type { StatusCommand } from '../domain/service-node';
import { openServiceNode, type OpenServiceNodeInput } from '../use-cases/open-service-node.use-case';
import { updateServiceNode, type UpdateServiceNodeInput } from '../use-cases/update-service-node.use-case';
import { changeNodeStatus } from '../use-cases/change-node-status.use-case';
import { assignOperator, unassignOperator } from '../use-cases/assign-operator.use-case';
import { listServiceNodes, type ServiceNodeFilterInput } from '../use-cases/get-service-nodes.use-case';
import { nearestIntakePoints } from '../use-cases/nearest-intake-points.use-case';
import { isProvinceStaff, type NetworkContext } from './context';

type Page = { first?: number | null; after?: string | null };

const statusMutation =
  (command: StatusCommand) =>
  (_: unknown, args: { id: string; reason: string }, ctx: NetworkContext): Promise<ServiceNode> =>
    changeNodeStatus(ctx.deps, ctx.command(), command, args.id, args.reason);

export const serviceNodeResolvers: Resolvers<NetworkContext> = {
  Query: {
    serviceNode: (_: unknown, args: { id: string }, ctx: NetworkContext) => (args.id.length > 64 ? null : ctx.loaders.node.load(args.id)),
    serviceNodes: (_: unknown, args: Page & { filter?: ServiceNodeFilterInput | null }, ctx: NetworkContext) =>
      listServiceNodes(ctx.deps.nodes, args.filter, args.first, args.after),
    nearestIntakePoints: async (_: unknown, args: { lat: number; lng: number; limit?: number | null }, ctx: NetworkContext) => {
      const nearest = await nearestIntakePoints(ctx.deps, args.lat, args.lng, args.limit);
      for (const { node } of nearest) ctx.loaders.node.prime(node.id, node);
      return nearest.map((n) => n.node);
    },
  },
  Mutation: {
    openServiceNode: (_: unknown, args: { input: OpenServiceNodeInput }, ctx: NetworkContext) =>
      openServiceNode(ctx.deps, ctx.command(), args.input),
    updateServiceNode: (_: unknown, args: { id: string; input: UpdateServiceNodeInput }, ctx: NetworkContext) =>
      updateServiceNode(ctx.deps, ctx.command(), args.id, args.input),
    suspendServiceNode: statusMutation('suspend'),
    resumeServiceNode: statusMutation('resume'),
    closeServiceNode: statusMutation('close'),
    reopenServiceNode: statusMutation('reopen'),
    assignOperator: (_: unknown, args: { nodeId: string; userId: string }, ctx: NetworkContext) =>
      assignOperator(ctx.deps, ctx.command(), args.nodeId, args.userId),
    unassignOperator: (_: unknown, args: { nodeId: string; userId: string }, ctx: NetworkContext) =>
      unassignOperator(ctx.deps, ctx.command(), args.nodeId, args.userId),
  },
  ServiceNode: {
    __resolveReference: (ref: { id: string }, ctx: NetworkContext) => ctx.loaders.node.load(ref.id),
    parent: (n: ServiceNode, _: unknown, ctx: NetworkContext) => (n.parentId ? ctx.loaders.node.load(n.parentId) : null),
    children: async (n: ServiceNode, args: { status?: string | null }, ctx: NetworkContext) => {
      const status = args.status ? parseStatus(args.status, 'status') : null;
      const children = await ctx.loaders.children.load(n.id);
      return status ? children.filter((c) => c.status === status) : children;
    },
    openedAt: (n: ServiceNode) => n.openedAt.toISOString(),
    updatedAt: (n: ServiceNode) => n.updatedAt.toISOString(),
    distanceKm: (n: ServiceNode, args: { lat: number; lng: number }) => {
      if (!Number.isFinite(args.lat) || Math.abs(args.lat) > 90) throw new BadInputError('Latitude must be between -90 and 90', 'lat');
      if (!Number.isFinite(args.lng) || Math.abs(args.lng) > 180) throw new BadInputError('Longitude must be between -180 and 180', 'lng');
      return n.location ? Math.round(distanceKm(args, n.location) * 1000) / 1000 : null;
    },
    history: (n: ServiceNode, _: unknown, ctx: NetworkContext) =>
      isProvinceStaff(ctx, n.province) ? n.history.map((h: NodeHistoryEntry) => ({ ...h, at: h.at.toISOString() })) : [],
    operators: async (n: ServiceNode, _: unknown, ctx: NetworkContext) => {
      if (!isProvinceStaff(ctx, n.province)) return [];
      const members = await ctx.loaders.operators.load(n.id);
      return members.map((m) => ({ userId: m.userId, assignedAt: m.assignedAt?.toISOString() ?? null, assignedBy: m.assignedBy }));
    },
  },
};
