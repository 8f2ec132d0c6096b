import { BadInputError, ConflictError, ForbiddenError, type Caller, freeText } from '@creditbank/kernel';
import {
  OUTCOME_TYPES,
  isCatalogCode,
  provinceOfCatalogCode,
  subtypeFits,
  catalogSubtype,
  type CatalogItemFacts,
  type CatalogItemStatus,
  type OutcomeType,
} from '@creditbank/credit-rules';
import { optionalInt, optionalNumber, optionalPositive } from './input';

/**
 * The outcome catalogue (学习成果目录). An item is identified by its code and has versions:
 * DRAFT → PUBLISHED → RETIRED. A published version never changes its facts; an edit after publication
 * creates a new draft version, and publishing it retires the version it replaces. Outcomes keep the
 * version they were recognised under.
 *
 * National items (codes starting with a letter) are maintained by PLATFORM_ADMIN; provincial items
 * (codes starting with their province, `33-…`) by that province's CENTER_ADMIN. Published versions of
 * both are public; drafts are seen only by those who may edit them.
 */
export type CatalogScope = 'NATIONAL' | 'PROVINCIAL';
export const CATALOG_STATUSES: readonly CatalogItemStatus[] = ['DRAFT', 'PUBLISHED', 'RETIRED'];

/** What an editor sets. */
export interface CatalogFacts {
  name: string;
  type: OutcomeType;
  subtype: string | null;
  level: number | null;
  track: string | null;
  field: string | null;
  hours: number | null;
  standardCredits: number | null;
  validityYears: number | null;
  evidenceRequired: string[];
  description: string | null;
}

export interface CatalogItemVersion extends CatalogFacts {
  code: string;
  version: number;
  status: CatalogItemStatus;
  scope: CatalogScope;
  /** Owner province of a provincial item; null for national items. */
  province: string | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  publishedAt: Date | null;
  publishedBy: string | null;
  retiredAt: Date | null;
  retiredBy: string | null;
  retireReason: string | null;
  /** The version that replaced this one when it was published. */
  supersededBy: number | null;
}

/** All versions of one code (oldest first), stored and changed as one document. */
export interface CatalogEntry {
  code: string;
  scope: CatalogScope;
  province: string | null;
  versions: CatalogItemVersion[];
  /** Optimistic concurrency: every change increments it. */
  rev: number;
}

const FACT_KEYS: readonly (keyof CatalogFacts)[] = [
  'name',
  'type',
  'subtype',
  'level',
  'track',
  'field',
  'hours',
  'standardCredits',
  'validityYears',
  'evidenceRequired',
  'description',
];

export function factsOf(v: CatalogFacts): CatalogFacts {
  const out = {} as Record<string, unknown>;
  for (const k of FACT_KEYS) out[k] = k === 'evidenceRequired' ? [...v.evidenceRequired] : v[k];
  return out as unknown as CatalogFacts;
}

export function sameFacts(a: CatalogFacts, b: CatalogFacts): boolean {
  return JSON.stringify(factsOf(a)) === JSON.stringify(factsOf(b));
}

/** What @creditbank/credit-rules needs of a version. */
export function creditFactsOf(v: CatalogItemVersion): CatalogItemFacts {
  return {
    code: v.code,
    version: v.version,
    type: v.type,
    subtype: v.subtype,
    level: v.level,
    hours: v.hours,
    standardCredits: v.standardCredits,
    validityYears: v.validityYears,
    status: v.status,
  };
}

export function parseCatalogCode(raw: string, field: string): { code: string; scope: CatalogScope; province: string | null } {
  const code = String(raw ?? '')
    .trim()
    .toUpperCase();
  if (!isCatalogCode(code))
    throw new BadInputError('Code must be 3 to 40 characters: A-Z, 0-9 and single dashes, e.g. VSC-ELEC-G4 or 33-ZJOU-AGEC101', field);
  const province = provinceOfCatalogCode(code);
  return { code, scope: province ? 'PROVINCIAL' : 'NATIONAL', province };
}

/** Normalise a code for lookups; null when it cannot be a code (it then matches nothing). */
export function normaliseCode(raw: string): string | null {
  const code = String(raw ?? '')
    .trim()
    .toUpperCase();
  return isCatalogCode(code) ? code : null;
}

/**
 * Who may edit an item: PLATFORM_ADMIN anything; CENTER_ADMIN the items of its own province. The
 * decision rests on the code alone, so a refusal reveals nothing about stored data.
 */
export function assertCatalogEditor(caller: Caller, scope: { scope: CatalogScope; province: string | null }): void {
  if (caller.kind !== 'user') throw new ForbiddenError('Not allowed');
  if (caller.role === 'PLATFORM_ADMIN') return;
  if (caller.role !== 'CENTER_ADMIN') throw new ForbiddenError('Not allowed for your role');
  if (scope.scope === 'NATIONAL')
    throw new ForbiddenError(
      'National catalogue items are maintained by the platform; provincial item codes start with your province code',
    );
  if (scope.province !== caller.province) throw new ForbiddenError('Not allowed for that province');
}

/** Whether a caller sees the drafts of an item. */
export function seesDrafts(caller: Caller, entry: Pick<CatalogEntry, 'scope' | 'province'>): boolean {
  if (caller.kind !== 'user') return false;
  if (caller.role === 'PLATFORM_ADMIN') return true;
  return caller.role === 'CENTER_ADMIN' && entry.scope === 'PROVINCIAL' && entry.province === caller.province;
}

export interface CatalogItemInput {
  code: string;
  name: string;
  type: OutcomeType;
  subtype?: string | null;
  level?: number | null;
  track?: string | null;
  field?: string | null;
  hours?: number | null;
  standardCredits?: number | null;
  validityYears?: number | null;
  evidenceRequired?: string[] | null;
  description?: string | null;
}

/** Validate an editor's input; `levels` are the levels of the qualification framework. */
export function parseCatalogInput(input: CatalogItemInput, levels: readonly number[]): { code: string; facts: CatalogFacts } {
  const { code } = parseCatalogCode(input.code, 'input.code');
  const name = freeText(input.name, 'input.name', { min: 2, max: 100, required: true, noAngleBrackets: true });
  if (!OUTCOME_TYPES.includes(input.type)) throw new BadInputError('Unknown outcome type', 'input.type');
  let subtype: string | null = null;
  if (input.subtype !== undefined && input.subtype !== null && input.subtype.trim() !== '') {
    subtype = input.subtype.trim().toUpperCase();
    if (!catalogSubtype(subtype)) throw new BadInputError('Unknown subtype (see catalogSubtypes)', 'input.subtype');
    if (!subtypeFits(input.type, subtype)) throw new BadInputError(`Subtype ${subtype} is not of type ${input.type}`, 'input.subtype');
  }
  const level = optionalInt(input.level, 'input.level', 1, 20);
  if (level !== null && !levels.includes(level)) throw new BadInputError('Not a level of the qualification framework', 'input.level');
  let track: string | null = null;
  if (input.track !== undefined && input.track !== null && input.track.trim() !== '') {
    track = input.track.trim().toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{1,39}$/.test(track))
      throw new BadInputError('Track must be 2 to 40 characters: A-Z, 0-9 and dashes', 'input.track');
  }
  const evidence = input.evidenceRequired ?? [];
  if (evidence.length > 10) throw new BadInputError('At most 10 kinds of evidence', 'input.evidenceRequired');
  const evidenceRequired: string[] = [];
  evidence.forEach((e, i) => {
    const label = freeText(e, `input.evidenceRequired.${i}`, { max: 100, required: true, noAngleBrackets: true });
    if (!evidenceRequired.includes(label)) evidenceRequired.push(label);
  });
  return {
    code,
    facts: {
      name,
      type: input.type,
      subtype,
      level,
      track,
      field: freeText(input.field, 'input.field', { max: 50, noAngleBrackets: true }),
      hours: optionalPositive(input.hours, 'input.hours', 10000, 1),
      standardCredits: optionalNumber(input.standardCredits, 'input.standardCredits', 0, 300),
      validityYears: optionalInt(input.validityYears, 'input.validityYears', 1, 100),
      evidenceRequired,
      description: freeText(input.description, 'input.description', { max: 2000, multiline: true }),
    },
  };
}

/** The latest version that is not a draft: what the public catalogue shows. */
export function publicHead(entry: CatalogEntry): CatalogItemVersion | null {
  for (let i = entry.versions.length - 1; i >= 0; i--) if (entry.versions[i]!.status !== 'DRAFT') return entry.versions[i]!;
  return null;
}

export function draftOf(entry: CatalogEntry): CatalogItemVersion | null {
  const last = entry.versions[entry.versions.length - 1];
  return last?.status === 'DRAFT' ? last : null;
}

/** The version a caller gets for the item: the public head, else (editors only) the draft. */
export function currentVersion(entry: CatalogEntry, drafts: boolean): CatalogItemVersion | null {
  return publicHead(entry) ?? (drafts ? draftOf(entry) : null);
}

export function findVersion(entry: CatalogEntry, version: number, drafts: boolean): CatalogItemVersion | null {
  const v = entry.versions.find((x) => x.version === version) ?? null;
  return v && (v.status !== 'DRAFT' || drafts) ? v : null;
}

/** Newest first, drafts only for editors. */
export function visibleVersions(entry: CatalogEntry, drafts: boolean): CatalogItemVersion[] {
  return [...entry.versions].reverse().filter((v) => v.status !== 'DRAFT' || drafts);
}

/**
 * Create or edit an item: a new item gets version 1 as a draft; a draft is edited in place; after
 * publication an edit creates the next version as a draft (unless nothing changed). The outcome type
 * of a published item never changes.
 */
export function upsertDraft(
  entry: CatalogEntry | null,
  code: string,
  facts: CatalogFacts,
  at: Date,
  by: string,
): { entry: CatalogEntry; version: CatalogItemVersion; changed: boolean } {
  const { scope, province } = parseCatalogCode(code, 'input.code');
  const fresh = (version: number): CatalogItemVersion => ({
    code,
    version,
    status: 'DRAFT',
    scope,
    province,
    ...factsOf(facts),
    createdAt: at,
    createdBy: by,
    updatedAt: at,
    publishedAt: null,
    publishedBy: null,
    retiredAt: null,
    retiredBy: null,
    retireReason: null,
    supersededBy: null,
  });
  if (!entry) {
    const v = fresh(1);
    return { entry: { code, scope, province, versions: [v], rev: 0 }, version: v, changed: true };
  }
  const released = entry.versions.filter((v) => v.status !== 'DRAFT');
  if (released.some((v) => v.type !== facts.type))
    throw new BadInputError('The outcome type of a published item cannot change; create an item with a new code', 'input.type');
  const last = entry.versions[entry.versions.length - 1]!;
  if (last.status === 'DRAFT') {
    if (sameFacts(last, facts)) return { entry, version: last, changed: false };
    const edited: CatalogItemVersion = { ...last, ...factsOf(facts), updatedAt: at };
    return { entry: { ...entry, versions: [...entry.versions.slice(0, -1), edited] }, version: edited, changed: true };
  }
  if (last.status === 'PUBLISHED' && sameFacts(last, facts)) return { entry, version: last, changed: false };
  const next = fresh(last.version + 1);
  return { entry: { ...entry, versions: [...entry.versions, next] }, version: next, changed: true };
}

/** Publish the draft; the version it replaces (if published) is retired, superseded by it. */
export function publishDraft(
  entry: CatalogEntry,
  at: Date,
  by: string,
): { entry: CatalogEntry; published: CatalogItemVersion; supersedes: number | null } {
  const draft = draftOf(entry);
  if (!draft) throw new ConflictError('Nothing to publish: the item has no draft version');
  let supersedes: number | null = null;
  const versions = entry.versions.map((v) => {
    if (v.version === draft.version) return { ...v, status: 'PUBLISHED' as const, publishedAt: at, publishedBy: by, updatedAt: at };
    if (v.status === 'PUBLISHED') {
      supersedes = v.version;
      return {
        ...v,
        status: 'RETIRED' as const,
        retiredAt: at,
        retiredBy: by,
        retireReason: `Superseded by version ${draft.version}`,
        supersededBy: draft.version,
      };
    }
    return v;
  });
  return { entry: { ...entry, versions }, published: versions.find((v) => v.version === draft.version)!, supersedes };
}

/** Retire the published version (no new outcomes map to it until a new version is published). */
export function retirePublished(
  entry: CatalogEntry,
  reason: string | null,
  at: Date,
  by: string,
): { entry: CatalogEntry; retired: CatalogItemVersion } {
  const current = entry.versions.find((v) => v.status === 'PUBLISHED');
  if (!current) throw new ConflictError('The item has no published version to retire');
  const retired: CatalogItemVersion = { ...current, status: 'RETIRED', retiredAt: at, retiredBy: by, retireReason: reason, updatedAt: at };
  return { entry: { ...entry, versions: entry.versions.map((v) => (v.version === current.version ? retired : v)) }, retired };
}

/** Lower-case text the catalogue search matches (code, name, track, field). */
export function searchTextOf(v: Pick<CatalogItemVersion, 'code' | 'name' | 'track' | 'field'>): string {
  return [v.code, v.name, v.track ?? '', v.field ?? ''].join(' ').toLowerCase();
}
