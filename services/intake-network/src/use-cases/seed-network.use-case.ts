import { ALL_PROVINCES, BadInputError, isProvinceCode } from '@creditbank/kernel';
import type { OutgoingEvent } from '@creditbank/contracts';
import type { NodeAbove } from '../domain/hierarchy';
import { placeNode } from '../domain/hierarchy';
import { planNetwork, type PlannedNode } from '../domain/network-plan';
import { KINDS, slotOf, type ServiceNode } from '../domain/service-node';
import { newNode } from './open-service-node.use-case';
import type { DivisionDirectory, IntakePointIndex, ServiceNodeStore } from './ports';
import { indexIntakePoints } from './intake-point-index.use-case';

export interface SeedNetworkOptions {
  province: string;
  /** Intake points to place (default: the real count where known, else one per township). */
  intakePoints?: number;
  now?: Date;
}

export interface SeedNetworkResult {
  province: string;
  planned: Record<ServiceNode['kind'], number>;
  inserted: number;
  /** Already there (same id, or another node holding the centre/branch/sub-centre slot). */
  existing: number;
  /** Planned below a node that is not ACTIVE: left out. */
  skipped: number;
  ms: number;
}

const CHUNK = 500;

/**
 * Seed a province's demo network (idempotent): plan it from the real divisions, keep every node
 * that already exists (by id, or by slot when someone opened that city's branch by hand — its
 * children then hang under that one), and insert the rest level by level through the repository,
 * each node with its `service-node.opened` event in its outbox. The running service's relay
 * publishes the events.
 */
export async function seedNetwork(
  deps: { nodes: ServiceNodeStore; divisions: DivisionDirectory; index: IntakePointIndex },
  options: SeedNetworkOptions,
): Promise<SeedNetworkResult> {
  const t0 = Date.now();
  if (!isProvinceCode(options.province)) throw new BadInputError('Province must be a two-digit code', 'province');
  const province = deps.divisions.find(`${options.province}0000`, 'PROVINCE');
  if (!province) throw new BadInputError('Unknown province', 'province');
  const cities = deps.divisions.childrenOf(province);
  const plan = planNetwork(
    {
      province,
      cities,
      countiesOf: (city) => deps.divisions.childrenOf(city),
      townshipsOf: (county) => deps.divisions.childrenOf(county),
    },
    options.intakePoints === undefined ? {} : { intakePoints: options.intakePoints },
  );
  const now = options.now ?? new Date();
  const ctx = { now, requestId: `seed-network-${options.province}` };
  const result: SeedNetworkResult = {
    province: options.province,
    planned: { CENTER: 0, BRANCH: 0, SUBCENTER: 0, INTAKE_POINT: 0 },
    inserted: 0,
    existing: 0,
    skipped: 0,
    ms: 0,
  };
  /** Planned id → the node that stands for it (an existing one, or the new one). */
  const placed = new Map<string, NodeAbove>();

  for (const kind of KINDS) {
    const level = plan.filter((n) => n.kind === kind);
    result.planned[kind] = level.length;
    for (let i = 0; i < level.length; i += CHUNK) {
      const chunk = level.slice(i, i + CHUNK);
      const byId = new Map(
        (
          await deps.nodes.findByIds(
            ALL_PROVINCES,
            chunk.map((n) => n.id),
          )
        ).map((n) => [n.id, n]),
      );
      const slotted =
        kind === 'INTAKE_POINT'
          ? []
          : await deps.nodes.findBySlots(
              ALL_PROVINCES,
              chunk.map((n) => slotFor(n)),
            );
      const bySlot = new Map(slotted.map((n) => [slotOf(n), n]));
      const fresh: Array<{ node: ServiceNode; slot: string; events: OutgoingEvent[] }> = [];
      for (const planned of chunk) {
        const existing = byId.get(planned.id) ?? bySlot.get(slotFor(planned));
        if (existing) {
          placed.set(planned.id, existing);
          result.existing++;
          continue;
        }
        const parent = planned.parentId ? placed.get(planned.parentId) : null;
        if (parent === undefined || (parent !== null && parent.status !== 'ACTIVE')) {
          result.skipped++; // its children are skipped too: they find no parent in `placed`
          continue;
        }
        // Same rules as openServiceNode: kind ↔ division level, nesting, containment.
        placeNode(planned.kind, planned.division, parent ?? undefined, []);
        const built = newNode(
          {
            id: planned.id,
            kind: planned.kind,
            name: planned.name,
            division: planned.division,
            parent,
            address: planned.address,
            location: planned.location,
            hostOrganization: planned.hostOrganization,
            contact: planned.contact,
            openingHours: planned.openingHours,
            services: planned.services,
          },
          ctx,
          'system',
        );
        placed.set(planned.id, built.node);
        fresh.push(built);
      }
      result.inserted += await deps.nodes.insertMany(fresh);
      await indexIntakePoints(
        deps.index,
        fresh.map((f) => f.node),
      );
    }
  }
  result.ms = Date.now() - t0;
  return result;
}

const slotFor = (n: PlannedNode) =>
  slotOf({ id: n.id, kind: n.kind, province: n.division.province, adminDivision: n.division.code, status: 'ACTIVE' });
