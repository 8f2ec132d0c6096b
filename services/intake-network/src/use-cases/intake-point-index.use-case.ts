import type { ServiceNode } from '../domain/service-node';
import type { IntakePointIndex, IntakePointState, ServiceNodeStore } from './ports';

const stateOf = (n: ServiceNode): IntakePointState => ({
  id: n.id,
  province: n.province,
  status: n.status,
  location: n.location,
  updatedAt: n.updatedAt,
});

/**
 * Bring the position index up to date after node writes. Best effort: the node write has committed
 * (with its event) and is the truth; if this second write fails, the next reconciliation repairs the
 * index and nearest-point answers are checked against the nodes meanwhile.
 */
export async function indexIntakePoints(index: IntakePointIndex, nodes: readonly ServiceNode[]): Promise<void> {
  const points = nodes.filter((n) => n.kind === 'INTAKE_POINT').map(stateOf);
  if (points.length === 0) return;
  try {
    await index.sync(points);
  } catch {
    // repaired by reconcileIntakePointIndex
  }
}

/** Compare the index with the nodes and fix every entry that differs. Returns how many were fixed. */
export async function reconcileIntakePointIndex(deps: { nodes: ServiceNodeStore; index: IntakePointIndex }): Promise<number> {
  const [states, entries] = await Promise.all([deps.nodes.intakePointStates(), deps.index.all()]);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const fix: IntakePointState[] = [];
  for (const s of states) {
    const e = byId.get(s.id);
    byId.delete(s.id);
    const active = s.status === 'ACTIVE' && s.location !== null;
    if (
      !e ||
      e.active !== active ||
      e.updatedAt.getTime() !== s.updatedAt.getTime() ||
      e.location?.lat !== s.location?.lat ||
      e.location?.lng !== s.location?.lng
    ) {
      fix.push(s);
    }
  }
  // Entries without a node (never expected): switch them off for good.
  for (const e of byId.values()) if (e.active) fix.push({ ...e, status: 'CLOSED', location: null, updatedAt: new Date(8.64e15) });
  for (let i = 0; i < fix.length; i += 500) await deps.index.sync(fix.slice(i, i + 500));
  return fix.length;
}
