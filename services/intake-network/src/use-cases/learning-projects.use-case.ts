import { randomUUID } from 'node:crypto';
import {
  LearningProjectCancelled,
  LearningProjectEnrolled,
  LearningProjectEnrolmentCancelled,
  LearningProjectPublished,
  createEvent,
} from '@creditbank/contracts';
import {
  BadInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  canReadLearner,
  decodeCursor,
  encodeCursor,
  freeText,
  isValidAccountNo,
  narrowScope,
  pageSize,
  scopeOf,
  toConnection,
  type Caller,
  type CommandContext,
  type Connection,
} from '@creditbank/kernel';
import { enrolmentOpen, parseProjectDraft, type LearningProject, type LearningProjectStatus } from '../domain/learning-project';
import { parseReason } from '../domain/service-node';
import { isNetworkAdmin, isNodeStaff, requireVisible } from './access';
import { actorOf, metaOf } from './event-meta';
import type { CatalogStore, LearnerStore, LearningProjectStore, ProjectFilter, ServiceNodeStore } from './ports';

export interface LearningProjectInput {
  nodeId: string;
  title: string;
  catalogItemCode?: string | null;
  startsAt: string;
  endsAt?: string | null;
  capacity: number;
  venue?: string | null;
  description?: string | null;
}

export interface ProjectDeps {
  nodes: ServiceNodeStore;
  projects: LearningProjectStore;
  learners: LearnerStore;
  catalog: CatalogStore;
}

/**
 * Publish a local learning project at a sub-centre or intake point: the province's centre admin,
 * PLATFORM_ADMIN, or an operator of that node or of a node above it. The catalogue item code, when
 * given, must name an item the standards service has published and not retired (as far as its
 * events have told us): a national item, or a provincial item of the node's province.
 */
export async function publishLearningProject(
  deps: ProjectDeps,
  ctx: CommandContext,
  input: LearningProjectInput,
): Promise<LearningProject> {
  const nodeId = freeText(input.nodeId, 'input.nodeId', { max: 64, required: true, noAngleBrackets: true });
  const [found] = await deps.nodes.findByIds(scopeOf(ctx.caller), [nodeId]);
  const node = requireVisible(ctx.caller, found, 'Service node');
  if (!isNetworkAdmin(ctx.caller, node.province) && !isNodeStaff(ctx.caller, node)) {
    throw new ForbiddenError('Only the node’s operators or the centre administrator may publish its projects');
  }
  if (node.kind !== 'SUBCENTER' && node.kind !== 'INTAKE_POINT') {
    throw new BadInputError('Local projects are published by sub-centres and intake points', 'input.nodeId');
  }
  if (node.status !== 'ACTIVE') throw new ConflictError(`The node is ${node.status}`, { status: node.status });
  const draft = parseProjectDraft(input, ctx.now);
  if (draft.catalogItemCode) {
    const answer = await deps.catalog.statusOf(draft.catalogItemCode, node.province);
    if (answer === 'UNKNOWN') throw new BadInputError('No published catalogue item has this code', 'input.catalogItemCode');
    if (answer === 'RETIRED') throw new BadInputError('This catalogue item is retired', 'input.catalogItemCode');
  }
  const by = actorOf(ctx);
  const project: LearningProject = {
    id: `lp-${randomUUID()}`,
    nodeId: node.id,
    province: node.province,
    adminDivision: node.adminDivision,
    nodePath: [...node.ancestorIds, node.id],
    ...draft,
    enrolled: [],
    status: 'PUBLISHED',
    statusReason: null,
    publishedAt: ctx.now,
    publishedBy: by,
    version: 1,
  };
  const event = createEvent(
    LearningProjectPublished,
    {
      projectId: project.id,
      nodeId: node.id,
      province: project.province,
      adminDivision: project.adminDivision,
      title: project.title,
      catalogItemCode: project.catalogItemCode,
      startsAt: project.startsAt.toISOString(),
      endsAt: project.endsAt?.toISOString() ?? null,
      capacity: project.capacity,
      publishedBy: by,
      publishedAt: ctx.now.toISOString(),
    },
    metaOf(ctx, project.province),
  );
  await deps.projects.insert(project, [event]);
  return project;
}

/** Call a project off (same people as publishing). Enrolments stay on record; no new ones are taken. */
export async function cancelLearningProject(
  deps: ProjectDeps,
  ctx: CommandContext,
  id: string,
  reasonRaw: string,
): Promise<LearningProject> {
  const reason = parseReason(reasonRaw);
  const project = await loadProject(deps.projects, ctx.caller, id, 'id');
  const [node] = await deps.nodes.findByIds({ province: project.province }, [project.nodeId]);
  if (!isNetworkAdmin(ctx.caller, project.province) && !(node && isNodeStaff(ctx.caller, node))) {
    throw new ForbiddenError('Only the node’s operators or the centre administrator may cancel its projects');
  }
  if (project.status !== 'PUBLISHED') throw new ConflictError('The project is cancelled already', { status: project.status });
  const by = actorOf(ctx);
  const event = createEvent(
    LearningProjectCancelled,
    {
      projectId: project.id,
      nodeId: project.nodeId,
      province: project.province,
      enrolledCount: project.enrolled.length,
      reason,
      cancelledBy: by,
      cancelledAt: ctx.now.toISOString(),
    },
    metaOf(ctx, project.province),
  );
  const updated = await deps.projects.setStatus(project.id, project.version, 'CANCELLED', reason, [event]);
  if (!updated) throw new ConflictError('The project changed at the same time (an enrolment); try again');
  return updated;
}

/** The project named by the argument `field` (its name in the operation, for a clear error). */
async function loadProject(
  projects: LearningProjectStore,
  caller: Caller,
  idRaw: string,
  field: 'id' | 'projectId' = 'projectId',
): Promise<LearningProject> {
  const id = freeText(idRaw, field, { max: 64, required: true, noAngleBrackets: true });
  const [found] = await projects.findByIds(scopeOf(caller), [id]);
  return requireVisible(caller, found, 'Learning project');
}

/** Who may take or give back a seat for a learner: the learner, or staff of the learner's province. */
function mayActFor(caller: Caller, accountNo: string): boolean {
  if (caller.kind !== 'user' || !canReadLearner(caller, accountNo)) return false;
  return ['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN'].includes(caller.role);
}

/**
 * Enrol a learner (the learner themself, or an operator or admin of the province on their behalf).
 * The learner's account must be ACTIVE (as the account service's events tell us) and of the
 * project's province. The seat is taken by one conditional write, so capacity holds under any
 * concurrency; enrolling twice keeps one seat.
 */
export async function enrolInLearningProject(
  deps: ProjectDeps,
  ctx: CommandContext,
  projectId: string,
  accountNo: string,
): Promise<LearningProject> {
  if (!isValidAccountNo(accountNo) || !mayActFor(ctx.caller, accountNo)) throw new NotFoundError('Learner');
  const project = await loadProject(deps.projects, ctx.caller, projectId);
  if (accountNo.slice(0, 2) !== project.province) throw new BadInputError('Learners enrol in projects of their own province', 'accountNo');
  const [learner] = await deps.learners.findByAccountNos({ province: project.province }, [accountNo]);
  if (!learner) throw new NotFoundError('Learner');
  if (learner.status !== 'ACTIVE') throw new ConflictError(`The learner account is ${learner.status}`, { status: learner.status });
  if (project.enrolled.includes(accountNo)) return project;
  if (!enrolmentOpen(project, ctx.now)) throw new ConflictError('Enrolment for this project has closed');
  const by = actorOf(ctx);
  const event = createEvent(
    LearningProjectEnrolled,
    {
      projectId: project.id,
      nodeId: project.nodeId,
      province: project.province,
      accountNo,
      capacity: project.capacity,
      enrolledBy: by,
      enrolledAt: ctx.now.toISOString(),
    },
    metaOf(ctx, project.province),
  );
  const result = await deps.projects.takeSeat(project.id, accountNo, [event]);
  if (result === 'full') throw new ConflictError('The project is full', { capacity: project.capacity });
  if (result === 'closed') throw new ConflictError('Enrolment for this project has closed');
  if (result === 'missing') throw new NotFoundError('Learning project');
  const [after] = await deps.projects.findByIds({ province: project.province }, [project.id]);
  return after ?? project;
}

/** Give a seat back (same people as enrolling). Idempotent: cancelling without a seat changes nothing. */
export async function cancelEnrolment(
  deps: ProjectDeps,
  ctx: CommandContext,
  projectId: string,
  accountNo: string,
): Promise<LearningProject> {
  if (!isValidAccountNo(accountNo) || !mayActFor(ctx.caller, accountNo)) throw new NotFoundError('Learner');
  const project = await loadProject(deps.projects, ctx.caller, projectId);
  if (!project.enrolled.includes(accountNo)) return project;
  const by = actorOf(ctx);
  const event = createEvent(
    LearningProjectEnrolmentCancelled,
    {
      projectId: project.id,
      nodeId: project.nodeId,
      province: project.province,
      accountNo,
      capacity: project.capacity,
      cancelledBy: by,
      cancelledAt: ctx.now.toISOString(),
    },
    metaOf(ctx, project.province),
  );
  const result = await deps.projects.releaseSeat(project.id, accountNo, [event]);
  if (result === 'missing') throw new NotFoundError('Learning project');
  const [after] = await deps.projects.findByIds({ province: project.province }, [project.id]);
  return after ?? project;
}

/** Projects a caller may see, by id: their province's (PLATFORM_ADMIN all); anyone else's look missing. */
export async function getLearningProjects(
  projects: LearningProjectStore,
  caller: Caller,
  ids: readonly string[],
): Promise<LearningProject[]> {
  if (caller.kind !== 'user') return [];
  const wanted = [...new Set(ids.filter((id) => id.length <= 64))];
  return wanted.length ? projects.findByIds(scopeOf(caller), wanted) : [];
}

export interface LearningProjectFilterInput {
  province?: string | null;
  nodeId?: string | null;
  withinNodeId?: string | null;
  divisionPrefix?: string | null;
  catalogItemCode?: string | null;
  status?: string | null;
  search?: string | null;
  startsFrom?: string | null;
  startsTo?: string | null;
  enrolledAccountNo?: string | null;
}

function dateArg(value: string | null | undefined, field: string, endOfDay: boolean): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}+08:00` : value);
  if (Number.isNaN(ms)) throw new BadInputError('Must be an ISO-8601 date', field);
  return new Date(ms);
}

/** Projects of the caller's province (PLATFORM_ADMIN: any), filtered, in start order. */
export async function listLearningProjects(
  projects: LearningProjectStore,
  caller: Caller,
  filter: LearningProjectFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<LearningProject>> {
  const scope = narrowScope(scopeOf(caller), filter?.province);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const f: ProjectFilter = {};
  for (const key of ['nodeId', 'withinNodeId', 'catalogItemCode'] as const) {
    const v = filter?.[key];
    if (v) {
      if (v.length > 64) throw new BadInputError('Too long', `filter.${key}`);
      f[key] = v;
    }
  }
  if (filter?.divisionPrefix) {
    if (!/^[0-9]{2,9}$/.test(filter.divisionPrefix))
      throw new BadInputError('Division prefix must be 2 to 9 digits', 'filter.divisionPrefix');
    f.divisionPrefix = filter.divisionPrefix;
  }
  if (filter?.status) {
    if (filter.status !== 'PUBLISHED' && filter.status !== 'CANCELLED') {
      throw new BadInputError('Status must be PUBLISHED or CANCELLED', 'filter.status');
    }
    f.status = filter.status as LearningProjectStatus;
  }
  if (filter?.search) {
    const search = filter.search.normalize('NFC').trim();
    if (search.length > 50) throw new BadInputError('Search text must be at most 50 characters', 'filter.search');
    if (search) f.search = search;
  }
  const from = dateArg(filter?.startsFrom, 'filter.startsFrom', false);
  const to = dateArg(filter?.startsTo, 'filter.startsTo', true);
  if (from) f.startsFrom = from;
  if (to) f.startsTo = to;
  if (filter?.enrolledAccountNo) {
    // Whose seats one may list is whose data one may read; anyone else's look like no seats at all.
    if (!canReadLearner(caller, filter.enrolledAccountNo)) return toConnection([], limit, 0, () => '');
    f.enrolledAccountNo = filter.enrolledAccountNo;
  }
  const { rows, total } = await projects.list(scope, f, { after: cursor ? [Number(cursor[0]), String(cursor[1])] : null, limit });
  return toConnection(rows, limit, total, (p) => encodeCursor([p.startsAt.getTime(), p.id]));
}
