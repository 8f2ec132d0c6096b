import { BadInputError, scopeOf, type Caller } from '@creditbank/kernel';
import type { NodeStats, OperatorAssignmentFact } from '../domain/facts';
import { cmp } from '../domain/distribution';
import type { FactReader } from './ports';

const STAFF = new Set(['INTAKE_OPERATOR', 'CENTER_ADMIN', 'ANALYST', 'PLATFORM_ADMIN']);
const ZERO: NodeStats = { accountsOpened: 0, outcomesDeposited: 0, conversionsSubmitted: 0, conversionsApproved: 0 };

/** A period bound as an ISO instant: YYYY-MM-DD (start or end of that day, UTC). */
export function parsePeriodBound(value: string | null | undefined, field: string, endOfDay: boolean): string | null {
  if (value === undefined || value === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new BadInputError('Must be a date as YYYY-MM-DD', field);
  return `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`;
}

/** The node an operator served at an instant, from the assignment history (null: none). */
export function nodeAt(history: readonly OperatorAssignmentFact[], at: string): string | null {
  let node: string | null = null;
  for (const h of [...history].sort((a, b) => cmp(a.at, b.at) || (a.kind === 'UNASSIGNED' ? -1 : 1))) {
    if (h.at > at) break;
    node = h.kind === 'ASSIGNED' ? h.nodeId : node === h.nodeId ? null : node;
  }
  return node;
}

/**
 * Intake point evaluation (考核评价) of several nodes in one go: accounts opened there, outcomes
 * deposited there (by the operators assigned to it at the time), conversions submitted there and
 * how many of them were approved (in the period, by the approval time). Staff see their province's
 * figures; other callers and other provinces' nodes see zeros, like a node where nothing happened.
 */
export async function nodeStats(
  reader: FactReader,
  caller: Caller,
  nodeIds: readonly string[],
  from: string | null,
  to: string | null,
): Promise<NodeStats[]> {
  if (caller.kind !== 'user' || !STAFF.has(caller.role)) return nodeIds.map(() => ({ ...ZERO }));
  const scope = scopeOf(caller);
  const within = (at: string | null) => !!at && (!from || at >= from) && (!to || at <= to);
  const ids = [...new Set(nodeIds)];
  const [learners, assignments, applications] = await Promise.all([
    reader.learnersOpenedAt(scope, ids),
    reader.operatorAssignments(scope, ids),
    reader.applications(scope, { nodeIds: ids }),
  ]);
  const operators = [...new Set(assignments.map((a) => a.userId))];
  const deposits = await reader.intakeDeposits(scope, operators);
  // The full history of each operator (also their other nodes) decides where a deposit happened.
  const history = new Map<string, OperatorAssignmentFact[]>();
  for (const a of await reader.operatorAssignmentsOf(scope, operators)) history.set(a.userId, [...(history.get(a.userId) ?? []), a]);
  const stats = new Map(ids.map((id) => [id, { ...ZERO }]));
  for (const l of learners) {
    const s = l.nodeId ? stats.get(l.nodeId) : undefined;
    if (s && within(l.openedAt)) s.accountsOpened++;
  }
  for (const d of deposits) {
    if (!within(d.depositedAt)) continue;
    const node = nodeAt(history.get(d.depositedBy) ?? [], d.depositedAt);
    const s = node ? stats.get(node) : undefined;
    if (s) s.outcomesDeposited++;
  }
  for (const a of applications) {
    const s = a.nodeId ? stats.get(a.nodeId) : undefined;
    if (!s) continue;
    if (within(a.submittedAt)) s.conversionsSubmitted++;
    if (within(a.approvedAt)) s.conversionsApproved++;
  }
  return nodeIds.map((id) => stats.get(id) ?? { ...ZERO });
}
