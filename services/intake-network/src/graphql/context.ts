import { ALL_PROVINCES, canReadLearner, scopeOf, type CommandContext } from '@creditbank/kernel';
import { commandOf, groupedLoader, keyedLoader, type BaseContext, type DataLoader } from '@creditbank/server';
import type { LearnerOrigin, ServiceNode } from '../domain/service-node';
import type { LearnerOriginStore, ServiceNodeStore } from '../use-cases/ports';

export interface NetworkDeps {
  nodes: ServiceNodeStore;
  origins: LearnerOriginStore;
}

export interface NetworkContext extends BaseContext {
  deps: NetworkDeps;
  loaders: {
    node: DataLoader<string, ServiceNode | null>;
    children: DataLoader<string, ServiceNode[]>;
    origin: DataLoader<string, LearnerOrigin | null>;
  };
  command(): CommandContext;
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
      origin: keyedLoader(
        async (accountNos) => {
          const visible = accountNos.filter((no) => canReadLearner(base.caller, no));
          return visible.length ? deps.origins.findByAccountNos(scopeOf(base.caller), visible) : [];
        },
        (o) => o.accountNo,
      ),
    },
    command: () => commandOf(base),
  });
}
