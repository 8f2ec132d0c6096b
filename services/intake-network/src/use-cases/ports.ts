import type { TenantScope } from '@creditbank/kernel';
import type { LearnerOrigin, ServiceNode } from '../domain/service-node';

export interface ServiceNodeStore {
  insert(node: ServiceNode): Promise<void>;
  findByIds(scope: TenantScope, ids: readonly string[]): Promise<ServiceNode[]>;
  findChildren(scope: TenantScope, parentIds: readonly string[]): Promise<ServiceNode[]>;
}

export interface LearnerOriginStore {
  /** Idempotent: recording the same origin twice changes nothing. */
  record(origin: LearnerOrigin): Promise<void>;
  findByAccountNos(scope: TenantScope, accountNos: readonly string[]): Promise<LearnerOrigin[]>;
}
