import type { Resolvers } from '@creditbank/server';
import type { LearningProject } from '../domain/learning-project';
import {
  cancelEnrolment,
  cancelLearningProject,
  enrolInLearningProject,
  listLearningProjects,
  publishLearningProject,
  type LearningProjectFilterInput,
  type LearningProjectInput,
} from '../use-cases/learning-projects.use-case';
import { isProvinceStaff, type NetworkContext } from './context';

type Page = { first?: number | null; after?: string | null };
type Seat = { projectId: string; accountNo: string };

export const learningProjectResolvers: Resolvers<NetworkContext> = {
  Query: {
    learningProject: (_: unknown, args: { id: string }, ctx: NetworkContext) => ctx.loaders.project.load(args.id),
    learningProjects: (_: unknown, args: Page & { filter?: LearningProjectFilterInput | null }, ctx: NetworkContext) =>
      listLearningProjects(ctx.deps.projects, ctx.caller, args.filter, args.first, args.after),
  },
  Mutation: {
    publishLearningProject: (_: unknown, args: { input: LearningProjectInput }, ctx: NetworkContext) =>
      publishLearningProject(ctx.deps, ctx.command(), args.input),
    cancelLearningProject: (_: unknown, args: { id: string; reason: string }, ctx: NetworkContext) =>
      cancelLearningProject(ctx.deps, ctx.command(), args.id, args.reason),
    enrolInLearningProject: (_: unknown, args: Seat, ctx: NetworkContext) =>
      enrolInLearningProject(ctx.deps, ctx.command(), args.projectId, args.accountNo),
    cancelEnrolment: (_: unknown, args: Seat, ctx: NetworkContext) =>
      cancelEnrolment(ctx.deps, ctx.command(), args.projectId, args.accountNo),
  },
  LearningProject: {
    __resolveReference: (ref: { id: string }, ctx: NetworkContext) => ctx.loaders.project.load(ref.id),
    node: (p: LearningProject, _: unknown, ctx: NetworkContext) => ctx.loaders.node.load(p.nodeId),
    catalogItem: (p: LearningProject) => (p.catalogItemCode ? { __typename: 'CatalogItem', code: p.catalogItemCode } : null),
    startsAt: (p: LearningProject) => p.startsAt.toISOString(),
    endsAt: (p: LearningProject) => p.endsAt?.toISOString() ?? null,
    publishedAt: (p: LearningProject) => p.publishedAt.toISOString(),
    enrolledCount: (p: LearningProject) => p.enrolled.length,
    seatsLeft: (p: LearningProject) => Math.max(0, p.capacity - p.enrolled.length),
    enrolledByMe: (p: LearningProject, _: unknown, ctx: NetworkContext) =>
      ctx.caller.kind === 'user' && ctx.caller.role === 'LEARNER' && !!ctx.caller.acct && p.enrolled.includes(ctx.caller.acct),
    enrolledAccountNos: (p: LearningProject, _: unknown, ctx: NetworkContext) =>
      isProvinceStaff(ctx, p.province) && ctx.caller.kind === 'user' && ctx.caller.role !== 'ANALYST' ? p.enrolled : [],
  },
};
