import {
  ALL_PROVINCES,
  BadInputError,
  decodeCursor,
  encodeCursor,
  isProvinceCode,
  pageSize,
  toConnection,
  type Connection,
  type TenantScope,
} from '@creditbank/kernel';
import { NODE_SERVICES, parseKind, parseStatus, type NodeService, type ServiceNode, type ServiceNodeKind } from '../domain/service-node';
import type { NodeFilter, ServiceNodeStore } from './ports';

export interface ServiceNodeFilterInput {
  province?: string | null;
  kind?: ServiceNodeKind | null;
  divisionPrefix?: string | null;
  status?: string | null;
  search?: string | null;
  parentId?: string | null;
  withinNodeId?: string | null;
  service?: string | null;
}

/**
 * The network directory is public (CONTRACT.md): anyone may list and read nodes of every province;
 * `province` only narrows. What is not public about a node (its history and its operators) is
 * resolved per field for the province's staff only.
 */
export function directoryScope(province: string | null | undefined): TenantScope {
  if (province === undefined || province === null) return ALL_PROVINCES;
  if (!isProvinceCode(province)) throw new BadInputError('Province must be a two-digit code', 'filter.province');
  return { province };
}

function idArg(value: string | null | undefined, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value.length > 64) throw new BadInputError('Not a node id', field);
  return value;
}

export async function listServiceNodes(
  store: ServiceNodeStore,
  filter: ServiceNodeFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<ServiceNode>> {
  const scope = directoryScope(filter?.province);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const f: NodeFilter = {};
  if (filter?.kind) f.kind = parseKind(filter.kind, 'filter.kind');
  if (filter?.status) f.status = parseStatus(filter.status, 'filter.status');
  if (filter?.divisionPrefix) {
    if (!/^[0-9]{2,9}$/.test(filter.divisionPrefix))
      throw new BadInputError('Division prefix must be 2 to 9 digits', 'filter.divisionPrefix');
    f.divisionPrefix = filter.divisionPrefix;
  }
  if (filter?.search) {
    const search = filter.search.normalize('NFC').trim();
    if (search.length > 50) throw new BadInputError('Search text must be at most 50 characters', 'filter.search');
    if (search) f.search = search;
  }
  const parentId = idArg(filter?.parentId, 'filter.parentId');
  if (parentId) f.parentId = parentId;
  const withinNodeId = idArg(filter?.withinNodeId, 'filter.withinNodeId');
  if (withinNodeId) f.withinNodeId = withinNodeId;
  if (filter?.service) {
    if (!NODE_SERVICES.includes(filter.service as NodeService)) throw new BadInputError('Unknown service', 'filter.service');
    f.service = filter.service as NodeService;
  }
  const { rows, total } = await store.list(scope, f, { after: cursor ? [String(cursor[0]), String(cursor[1])] : null, limit });
  return toConnection(rows, limit, total, (n) => encodeCursor([n.adminDivision, n.id]));
}
