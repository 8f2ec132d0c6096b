import { randomBytes } from 'node:crypto';
import { CourseCertificationRejected, CourseCertified, createEvent, type OutgoingEvent } from '@creditbank/contracts';
import {
  BadInputError,
  ConflictError,
  NotFoundError,
  decodeCursor,
  encodeCursor,
  pageSize,
  toConnection,
  type Caller,
  type CommandContext,
  type Connection,
} from '@creditbank/kernel';
import { actorOf, certificationView } from '../domain/access';
import { normaliseCode } from '../domain/catalog-item';
import {
  applyReview,
  approvalsOf,
  averageScore,
  parseSubmission,
  type CertificationStatus,
  type CourseCertification,
  type CourseCertificationInput,
  type ReviewInput,
} from '../domain/course-certification';
import { normaliseInstitutionCode } from '../domain/institution';
import { metaOf, withRetry } from './event-meta';
import type { CatalogStore, CertificationFilter, CertificationStore, InstitutionStore } from './ports';

export interface CertificationDeps {
  certifications: CertificationStore;
  institutions: InstitutionStore;
  catalog: CatalogStore;
  /** Approvals that certify a course (configurable; snapshotted on each submission). */
  requiredApprovals: number;
}

/** Time-ordered ids, so listings run oldest first (the review queue order). */
export function newCertificationId(now: Date): string {
  return `cc-${now.getTime().toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}

/** An institution admin submits a course of its own institution, mapped to a published catalogue item. */
export async function submitCourseCertification(
  deps: CertificationDeps,
  ctx: CommandContext,
  input: CourseCertificationInput,
): Promise<CourseCertification> {
  const caller = ctx.caller;
  const code = normaliseInstitutionCode(input.institutionCode);
  // Another institution (or province) looks missing.
  if (caller.kind !== 'user' || !code || caller.inst !== code) throw new NotFoundError('Institution');
  const [institution] = await deps.institutions.findByCodes({ province: caller.province }, [code]);
  if (!institution) throw new NotFoundError('Institution');
  if (institution.status !== 'ACTIVE') throw new ConflictError(`The institution is ${institution.status.toLowerCase()}`);
  const facts = parseSubmission(input);
  const itemCode = normaliseCode(input.catalogItemCode);
  const [entry] = itemCode ? await deps.catalog.findByCodes(null, [itemCode]) : [];
  const published = entry?.versions.find((v) => v.status === 'PUBLISHED');
  if (!entry || !published || (entry.scope === 'PROVINCIAL' && entry.province !== institution.province))
    throw new BadInputError('No published catalogue item with this code for your province', 'input.catalogItemCode');
  const by = actorOf(caller);
  const certification: CourseCertification = {
    id: newCertificationId(ctx.now),
    province: institution.province,
    institutionCode: code,
    ...facts,
    catalogItemCode: published.code,
    catalogItemVersion: published.version,
    status: 'SUBMITTED',
    requiredApprovals: deps.requiredApprovals,
    reviews: [],
    history: [{ at: ctx.now, by, action: 'SUBMITTED', note: null }],
    submittedAt: ctx.now,
    submittedBy: by,
    decidedAt: null,
    rejectionReason: null,
    rev: 0,
  };
  await deps.certifications.insert(certification, []);
  return { ...certification, rev: 1 };
}

function decisionEvents(c: CourseCertification, decided: 'CERTIFIED' | 'REJECTED' | null, ctx: CommandContext): OutgoingEvent[] {
  if (!decided) return [];
  const facts = {
    certificationId: c.id,
    institutionCode: c.institutionCode,
    province: c.province,
    catalogItemCode: c.catalogItemCode,
    catalogItemVersion: c.catalogItemVersion,
    title: c.title,
    hours: c.hours,
  };
  if (decided === 'CERTIFIED')
    return [
      createEvent(
        CourseCertified,
        {
          ...facts,
          approvals: approvalsOf(c),
          requiredApprovals: c.requiredApprovals,
          averageScore: averageScore(c),
          certifiedAt: ctx.now.toISOString(),
        },
        metaOf(ctx, c.province),
      ),
    ];
  return [
    createEvent(
      CourseCertificationRejected,
      { ...facts, reason: (c.rejectionReason ?? 'rejected').slice(0, 1000), rejectedAt: ctx.now.toISOString() },
      metaOf(ctx, c.province),
    ),
  ];
}

/** An expert of the province reviews a course (once); the quorum certifies, a rejection rejects. */
export async function reviewCourseCertification(
  certifications: CertificationStore,
  ctx: CommandContext,
  id: string,
  input: ReviewInput,
): Promise<CourseCertification> {
  const caller = ctx.caller;
  if (caller.kind !== 'user') throw new NotFoundError('Course certification');
  const done = await withRetry(async () => {
    const [current] = await certifications.findByIds({ province: caller.province }, [String(id).slice(0, 64)]);
    if (!current) throw new NotFoundError('Course certification');
    const { next, decided } = applyReview(current, actorOf(caller), input, ctx.now);
    return certifications.update(next, decisionEvents(next, decided, ctx));
  });
  if (!done) throw new ConflictError('The certification changed at the same time; please try again');
  return done;
}

/** Certifications by id, as the caller may see them. */
export async function getCertifications(
  store: CertificationStore,
  caller: Caller,
  ids: readonly string[],
): Promise<Array<CourseCertification | null>> {
  const view = certificationView(caller);
  const wanted = [...new Set(ids.filter((i) => typeof i === 'string' && i.length <= 64))];
  const rows = view && wanted.length ? await store.findByIds(view.scope, wanted) : [];
  const visible = rows.filter((c) => !view?.institution || c.institutionCode === view.institution);
  const byId = new Map(visible.map((c) => [c.id, c]));
  return ids.map((i) => byId.get(i) ?? null);
}

export interface CertificationFilterInput {
  institutionCode?: string | null;
  status?: CertificationStatus | null;
  catalogItemCode?: string | null;
  /** Experts: only what they have not reviewed yet and is still open. */
  awaitingMyReview?: boolean | null;
}

const OPEN: readonly CertificationStatus[] = ['SUBMITTED', 'UNDER_REVIEW'];
const EMPTY = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

export async function listCertifications(
  store: CertificationStore,
  caller: Caller,
  filter: CertificationFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<CourseCertification>> {
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const view = certificationView(caller);
  if (!view || caller.kind !== 'user') return EMPTY;
  const f: CertificationFilter = {};
  if (filter?.institutionCode) {
    const code = normaliseInstitutionCode(filter.institutionCode);
    if (!code) throw new BadInputError('Not a unified social credit code', 'filter.institutionCode');
    f.institutionCode = code;
  }
  if (view.institution) {
    if (f.institutionCode && f.institutionCode !== view.institution) return EMPTY;
    f.institutionCode = view.institution;
  }
  if (filter?.status) {
    if (!['SUBMITTED', 'UNDER_REVIEW', 'CERTIFIED', 'REJECTED'].includes(filter.status))
      throw new BadInputError('Unknown status', 'filter.status');
    f.statuses = [filter.status];
  }
  if (filter?.catalogItemCode) {
    const code = normaliseCode(filter.catalogItemCode);
    if (!code) return EMPTY;
    f.catalogItemCode = code;
  }
  if (filter?.awaitingMyReview) {
    f.notReviewedBy = actorOf(caller);
    f.statuses = (f.statuses ?? OPEN).filter((s) => OPEN.includes(s));
    if (!f.statuses.length) return EMPTY;
  }
  const { rows, total } = await store.list(view.scope, f, { after: cursor ? String(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (c) => encodeCursor([c.id]));
}
