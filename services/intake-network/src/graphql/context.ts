import { ALL_PROVINCES, canReadLearner, scopeOf, type CommandContext } from '@creditbank/kernel';
import { commandOf, groupedLoader, keyedLoader, type BaseContext, type DataLoader } from '@creditbank/server';
import type { KnownLearner } from '../domain/learner';
import type { LearningProject } from '../domain/learning-project';
import type { StaffMember } from '../domain/operator';
import type { ServiceNode } from '../domain/service-node';
import type {
  CatalogStore,
  DivisionDirectory,
  IntakePointIndex,
  LearnerStore,
  LearningProjectStore,
  ServiceNodeStore,
  StaffStore,
} from '../use-cases/ports';
import { getLearningProjects } from '../use-cases/learning-projects.use-case';

/** Long-lived dependencies of the resolvers (wired in main.ts). */
export interface NetworkDeps {
  nodes: ServiceNodeStore;
  staff: StaffStore;
  learners: LearnerStore;
  projects: LearningProjectStore;
  divisions: DivisionDirectory;
  catalog: CatalogStore;
  index: IntakePointIndex;
}

export interface NetworkContext extends BaseContext {
  deps: NetworkDeps;
  loaders: {
    node: DataLoader<string, ServiceNode | null>;
    children: DataLoader<string, ServiceNode[]>;
    operators: DataLoader<string, StaffMember[]>;
    learner: DataLoader<string, KnownLearner | null>;
    project: DataLoader<string, LearningProject | null>;
  };
  command(): CommandContext;
}

/** Staff who may see a node's internals (history, operators, enrolments): its province's, and PLATFORM_ADMIN. */
export function isProvinceStaff(ctx: NetworkContext, province: string): boolean {
  const c = ctx.caller;
  if (c.kind !== 'user') return false;
  if (c.role === 'PLATFORM_ADMIN') return true;
  return c.province === province && (c.role === 'CENTER_ADMIN' || c.role === 'INTAKE_OPERATOR' || c.role === 'ANALYST');
}

export function buildNetworkContext(deps: NetworkDeps) {
  return (base: BaseContext): NetworkContext => ({
    ...base,
    deps,
    loaders: {
      // The network directory is public: nodes of every province are readable by anyone.
      node: keyedLoader(
        (ids) => deps.nodes.findByIds(ALL_PROVINCES, ids),
        (n) => n.id,
      ),
      children: groupedLoader(
        (parentIds) => deps.nodes.findChildren(ALL_PROVINCES, parentIds),
        (n) => n.parentId ?? '',
      ),
      // Operators of a node: resolved only for staff of its province (the resolver checks first).
      operators: groupedLoader(
        (nodeIds) => deps.staff.findByNodes(scopeOf(base.caller), nodeIds),
        (m) => m.nodeId ?? '',
      ),
      learner: keyedLoader(
        async (accountNos) => {
          const visible = accountNos.filter((no) => canReadLearner(base.caller, no));
          return visible.length ? deps.learners.findByAccountNos(scopeOf(base.caller), visible) : [];
        },
        (l) => l.accountNo,
      ),
      project: keyedLoader(
        (ids) => getLearningProjects(deps.projects, base.caller, ids),
        (p) => p.id,
      ),
    },
    command: () => commandOf(base),
  });
}
