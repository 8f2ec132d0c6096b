import { randomUUID } from 'node:crypto';
import { ConversionRulePublished, ConversionRuleRetired, createEvent, metaFrom, type OutgoingEvent } from '@creditbank/contracts';
import {
  BadInputError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  decodeCursor,
  encodeCursor,
  freeText,
  isProvinceCode,
  pageSize,
  toConnection,
  type Caller,
  type CommandContext,
  type Connection,
} from '@creditbank/kernel';
import { parseUscc } from '@creditbank/identity';
import {
  OUTCOME_TYPES,
  TARGET_KINDS,
  type ConversionRule,
  type OutcomeType,
  type RuleSource,
  type RuleStatus,
  type RuleTarget,
  type RuleTargetKind,
} from '../domain/rule';
import { RULE_ID, requireRole } from './access';
import { SOURCE } from './account-writer';
import type { RuleFilter, RuleStore } from './ports';

export interface ConversionRuleInput {
  name: string;
  creditsRequired: number;
  source: {
    catalogItemCodes?: string[] | null;
    types?: string[] | null;
    minLevel?: number | null;
    minScore?: number | null;
    withinYears?: number | null;
  };
  target: {
    kind: string;
    institutionCode?: string | null;
    courseCode?: string | null;
    courseName?: string | null;
    levelCategory?: string | null;
    credits?: number | null;
  };
  effectiveFrom?: string | null;
  effectiveTo?: string | null;
  /** Draft a successor of a published rule (a new version of it). */
  supersedes?: string | null;
}

const CATALOG_CODE = /^(?=.{3,40}$)(?:[A-Z][A-Z0-9]*|[1-9][0-9]-[A-Z0-9]+)(?:-[A-Z0-9]+)*$/;

function num(v: number | null | undefined, field: string, min: number, max: number, integer = false): number | null {
  if (v === undefined || v === null) return null;
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    throw new BadInputError(`Must be ${integer ? 'a whole number ' : ''}between ${min} and ${max}`, field);
  return v;
}

function date(v: string | null | undefined, field: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new BadInputError('Must be an ISO-8601 date', field);
  return d;
}

/** Validate a rule's criteria and target (pure input checks). */
export function parseRuleInput(
  input: ConversionRuleInput,
): Omit<
  ConversionRule,
  | 'id'
  | 'province'
  | 'version'
  | 'supersedes'
  | 'status'
  | 'draftedBy'
  | 'draftedByRole'
  | 'createdAt'
  | 'publishedBy'
  | 'publishedAt'
  | 'retiredBy'
  | 'retiredAt'
> {
  const name = freeText(input.name, 'input.name', { max: 200, required: true });
  const creditsRequired = num(input.creditsRequired, 'input.creditsRequired', 0.01, 1000)!;
  if (Math.round(creditsRequired * 100) !== creditsRequired * 100) throw new BadInputError('At most two decimals', 'input.creditsRequired');
  const codes = [...new Set((input.source?.catalogItemCodes ?? []).map((c) => String(c).trim().toUpperCase()))];
  if (codes.length > 200) throw new BadInputError('At most 200 catalogue items', 'input.source.catalogItemCodes');
  for (const c of codes)
    if (!CATALOG_CODE.test(c)) throw new BadInputError(`${c.slice(0, 40)} is not a catalogue item code`, 'input.source.catalogItemCodes');
  const types = [...new Set(input.source?.types ?? [])];
  for (const t of types)
    if (!(OUTCOME_TYPES as readonly string[]).includes(t)) throw new BadInputError('Unknown outcome type', 'input.source.types');
  if (codes.length === 0 && types.length === 0)
    throw new BadInputError('Name the catalogue items or the outcome types the rule accepts', 'input.source');
  const source: RuleSource = {
    catalogItemCodes: codes,
    types: types as OutcomeType[],
    minLevel: num(input.source.minLevel, 'input.source.minLevel', 1, 20, true),
    minScore: num(input.source.minScore, 'input.source.minScore', 0, 100),
    withinYears: num(input.source.withinYears, 'input.source.withinYears', 1, 100, true),
  };
  const t = input.target;
  if (!(TARGET_KINDS as readonly string[]).includes(t?.kind)) throw new BadInputError('Unknown target kind', 'input.target.kind');
  const kind = t.kind as RuleTargetKind;
  const target: RuleTarget = {
    kind,
    institutionCode: t.institutionCode ? parseUscc(t.institutionCode, 'input.target.institutionCode') : null,
    courseCode: freeText(t.courseCode, 'input.target.courseCode', { max: 64 }),
    courseName: freeText(t.courseName, 'input.target.courseName', { max: 200 }),
    levelCategory: freeText(t.levelCategory, 'input.target.levelCategory', { max: 64 }),
    credits: num(t.credits, 'input.target.credits', 0, 1000),
  };
  if ((kind === 'COURSE_CREDIT' || kind === 'MODULE_EXEMPTION') && (!target.institutionCode || !target.courseCode || !target.courseName))
    throw new BadInputError('A course credit or module exemption names the institution, course code and course name', 'input.target');
  const effectiveFrom = date(input.effectiveFrom, 'input.effectiveFrom');
  const effectiveTo = date(input.effectiveTo, 'input.effectiveTo');
  if (effectiveFrom && effectiveTo && effectiveTo <= effectiveFrom)
    throw new BadInputError('effectiveTo must be after effectiveFrom', 'input.effectiveTo');
  return { name, creditsRequired, source, target, effectiveFrom, effectiveTo };
}

/** Who sees a rule: published and retired ones are public; drafts only to their province's staff and the partner they concern. */
export function canSeeRule(caller: Caller, rule: ConversionRule): boolean {
  if (rule.status !== 'DRAFT') return true;
  if (caller.kind !== 'user') return false;
  if (caller.role === 'PLATFORM_ADMIN') return true;
  if (caller.province !== rule.province) return false;
  if (caller.role === 'EXPERT' || caller.role === 'CENTER_ADMIN') return true;
  return caller.role === 'UNIVERSITY_PARTNER' && !!caller.inst && caller.inst === rule.target.institutionCode;
}

export async function getRules(store: RuleStore, caller: Caller, ids: readonly string[]): Promise<ConversionRule[]> {
  const valid = ids.filter((id) => RULE_ID.test(id));
  return (await store.findByIds(valid)).filter((r) => canSeeRule(caller, r));
}

/** Draft a rule (experts, the centre, partner universities for their own courses). */
export async function draftConversionRule(store: RuleStore, ctx: CommandContext, input: ConversionRuleInput): Promise<ConversionRule> {
  const c = ctx.caller;
  requireRole(c, ['EXPERT', 'CENTER_ADMIN', 'UNIVERSITY_PARTNER', 'PLATFORM_ADMIN']);
  const parsed = parseRuleInput(input);
  if (c.role === 'UNIVERSITY_PARTNER') {
    if (!c.inst) throw new ForbiddenError('Your token is not bound to an institution');
    if (parsed.target.institutionCode && parsed.target.institutionCode !== c.inst)
      throw new ForbiddenError('A partner university proposes rules for its own courses only');
    parsed.target.institutionCode = c.inst;
  }
  let version = 1;
  let supersedes: string | null = null;
  if (input.supersedes) {
    const [prev] = await getRules(store, c, [input.supersedes]);
    if (!prev || prev.province !== c.province) throw new NotFoundError('Conversion rule');
    if (prev.status !== 'PUBLISHED') throw new BadInputError('Only a published rule can be superseded', 'input.supersedes');
    if (c.role === 'UNIVERSITY_PARTNER' && prev.target.institutionCode !== c.inst) throw new NotFoundError('Conversion rule');
    version = prev.version + 1;
    supersedes = prev.id;
  }
  const rule: ConversionRule = {
    id: `cr-${randomUUID()}`,
    province: c.province,
    version,
    supersedes,
    status: 'DRAFT',
    ...parsed,
    draftedBy: c.sub.slice(0, 64),
    draftedByRole: c.role,
    createdAt: ctx.now,
    publishedBy: null,
    publishedAt: null,
    retiredBy: null,
    retiredAt: null,
  };
  await store.insert(rule);
  return rule;
}

async function loadForCentre(store: RuleStore, ctx: CommandContext, id: string): Promise<ConversionRule> {
  const c = ctx.caller;
  requireRole(c, ['CENTER_ADMIN', 'PLATFORM_ADMIN']);
  const [rule] = await getRules(store, c, [id]);
  if (!rule || (c.role !== 'PLATFORM_ADMIN' && rule.province !== c.province)) throw new NotFoundError('Conversion rule');
  return rule;
}

function retiredEvent(rule: ConversionRule, by: string, ctx: CommandContext): OutgoingEvent {
  return createEvent(
    ConversionRuleRetired,
    { ruleId: rule.id, version: rule.version, province: rule.province, retiredBy: by, retiredAt: ctx.now.toISOString() },
    metaFrom(ctx, rule.province, SOURCE),
  );
}

/** Publish a draft (the centre). Publishing a successor retires the rule it supersedes. */
export async function publishConversionRule(store: RuleStore, ctx: CommandContext, id: string): Promise<ConversionRule> {
  const rule = await loadForCentre(store, ctx, id);
  const by = (ctx.caller as { sub: string }).sub.slice(0, 64);
  if (rule.status !== 'DRAFT') throw new BadInputError(`A ${rule.status} rule cannot be published`, 'id', { status: rule.status });
  const event = createEvent(
    ConversionRulePublished,
    {
      ruleId: rule.id,
      version: rule.version,
      province: rule.province,
      title: rule.name,
      supersedesRuleId: rule.supersedes,
      creditsRequired: rule.creditsRequired,
      source: rule.source,
      target: rule.target,
      effectiveFrom: rule.effectiveFrom?.toISOString() ?? null,
      effectiveTo: rule.effectiveTo?.toISOString() ?? null,
      publishedBy: by,
      publishedAt: ctx.now.toISOString(),
    },
    metaFrom(ctx, rule.province, SOURCE),
  );
  const published = await store.transition(rule.id, 'DRAFT', { status: 'PUBLISHED', publishedBy: by, publishedAt: ctx.now }, [event]);
  if (!published) throw new ConflictError('The rule changed at the same time; please reload it');
  if (rule.supersedes) {
    const [prev] = await store.findByIds([rule.supersedes]);
    if (prev && prev.status === 'PUBLISHED')
      await store.transition(prev.id, 'PUBLISHED', { status: 'RETIRED', retiredBy: by, retiredAt: ctx.now }, [retiredEvent(prev, by, ctx)]);
  }
  return published;
}

/** Retire a published rule: no new applications; applications made under it keep it. */
export async function retireConversionRule(store: RuleStore, ctx: CommandContext, id: string): Promise<ConversionRule> {
  const rule = await loadForCentre(store, ctx, id);
  const by = (ctx.caller as { sub: string }).sub.slice(0, 64);
  if (rule.status !== 'PUBLISHED') throw new BadInputError(`A ${rule.status} rule cannot be retired`, 'id', { status: rule.status });
  const retired = await store.transition(rule.id, 'PUBLISHED', { status: 'RETIRED', retiredBy: by, retiredAt: ctx.now }, [
    retiredEvent(rule, by, ctx),
  ]);
  if (!retired) throw new ConflictError('The rule changed at the same time; please reload it');
  return retired;
}

export interface RuleFilterInput {
  province?: string | null;
  status?: string | null;
  targetInstitutionCode?: string | null;
  catalogItemCode?: string | null;
  type?: string | null;
  outcomeType?: string | null;
}

/**
 * `conversionRules`: anyone sees published rules (of any province, or the one asked for). Staff of a
 * province may ask for other statuses of their own province's rules; partners for their own drafts.
 */
export async function listRules(
  store: RuleStore,
  caller: Caller,
  f: RuleFilterInput | null | undefined,
  first?: number | null,
  after?: string | null,
): Promise<Connection<ConversionRule>> {
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const filter: RuleFilter = {};
  if (f?.province) {
    if (!isProvinceCode(f.province)) throw new BadInputError('Not a province code', 'filter.province');
    filter.province = f.province;
  }
  const status = (f?.status ?? 'PUBLISHED') as RuleStatus;
  if (!['DRAFT', 'PUBLISHED', 'RETIRED'].includes(status))
    throw new BadInputError('status is DRAFT, PUBLISHED or RETIRED', 'filter.status');
  filter.status = status;
  if (status === 'DRAFT') {
    const c = caller;
    const empty = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    if (c.kind !== 'user') return empty;
    if (c.role === 'UNIVERSITY_PARTNER') {
      if (!c.inst) return empty;
      filter.targetInstitutionCode = c.inst;
      filter.province = c.province;
    } else if (c.role === 'EXPERT' || c.role === 'CENTER_ADMIN') {
      if (filter.province && filter.province !== c.province) return empty;
      filter.province = c.province;
    } else if (c.role !== 'PLATFORM_ADMIN') return empty;
  }
  if (f?.targetInstitutionCode) {
    const code = parseUscc(f.targetInstitutionCode, 'filter.targetInstitutionCode');
    if (filter.targetInstitutionCode && filter.targetInstitutionCode !== code)
      return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    filter.targetInstitutionCode = code;
  }
  if (f?.catalogItemCode) filter.catalogItemCode = f.catalogItemCode.trim().toUpperCase();
  if (f?.type) filter.targetKind = f.type as RuleTargetKind;
  if (f?.outcomeType) filter.outcomeType = f.outcomeType;
  const { rows, total } = await store.list(filter, { after: cursor ? String(cursor[0]) : null, limit });
  return toConnection(rows, limit, total, (r) => encodeCursor([r.id]));
}
