import { BadInputError } from '@creditbank/kernel';
import { divisionChain, type Division } from './division';
import { KIND_RANK, LEVEL_OF_KIND, type ServiceNode, type ServiceNodeKind } from './service-node';

/**
 * Where a new node goes in the network. The rules (docs/intake-network.md):
 *
 * 1. Its division is a real GB/T 2260 division of its kind's level (checked by the caller with the
 *    division directory): CENTER → province, BRANCH → city, SUBCENTER → county, INTAKE_POINT → township.
 * 2. A CENTER has no parent. Every other node hangs under a node of a higher kind, in the same
 *    province, whose division contains its own.
 * 3. The parent is the nearest node above: an intake point goes under its county's sub-centre when
 *    there is one, else its city's branch, else the centre. Naming a farther node while a nearer one
 *    covers the division is refused. Without `parentId` the nearest one is chosen.
 * 4. The parent must be ACTIVE (a suspended or closed node takes no new children).
 * 5. A node with nothing above it (no centre in the province yet: a pilot) opens without a parent.
 */
export type NodeAbove = Pick<ServiceNode, 'id' | 'kind' | 'name' | 'adminDivision' | 'status' | 'ancestorIds'>;

export function placeNode(
  kind: ServiceNodeKind,
  division: Division,
  /** The node named by `parentId`, if one was named (and found). */
  named: NodeAbove | undefined,
  /** Nodes that are not closed and whose slot covers the division's chain (centre, branch, sub-centre). */
  enclosing: readonly NodeAbove[],
): NodeAbove | null {
  if (LEVEL_OF_KIND[kind] !== division.level) {
    throw new BadInputError(`A ${kind} is bound to a ${LEVEL_OF_KIND[kind].toLowerCase()} division`, 'input.adminDivision');
  }
  if (kind === 'CENTER') {
    if (named) throw new BadInputError('A centre has no parent', 'input.parentId');
    return null;
  }
  const chain = divisionChain(division);
  const covering = enclosing
    .filter((n) => KIND_RANK[n.kind] < KIND_RANK[kind] && chain[KIND_RANK[n.kind]] === n.adminDivision)
    .sort((a, b) => KIND_RANK[b.kind] - KIND_RANK[a.kind]);
  const nearest = covering[0];
  if (named) {
    if (KIND_RANK[named.kind] >= KIND_RANK[kind]) {
      throw new BadInputError(
        `A ${kind} cannot be placed under a ${named.kind}: kinds nest CENTER > BRANCH > SUBCENTER > INTAKE_POINT`,
        'input.parentId',
      );
    }
    if (chain[KIND_RANK[named.kind]] !== named.adminDivision) {
      throw new BadInputError(`Division ${division.code} lies outside the parent’s division ${named.adminDivision}`, 'input.adminDivision');
    }
    if (nearest && nearest.id !== named.id && KIND_RANK[nearest.kind] > KIND_RANK[named.kind]) {
      throw new BadInputError(
        `Place it under the nearer ${nearest.kind} ${nearest.id} (${nearest.name}), which covers its division`,
        'input.parentId',
      );
    }
  }
  const parent = named ?? nearest ?? null;
  if (parent && parent.status !== 'ACTIVE') {
    throw new BadInputError(`The node above (${parent.id}) is ${parent.status} and takes no new children`, 'input.parentId');
  }
  return parent;
}
