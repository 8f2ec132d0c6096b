import { CatalogItemPublished, CatalogItemRetired, createEvent } from '@creditbank/contracts';
import { ALL_PROVINCES, ConflictError, NotFoundError, type CommandContext, freeText } from '@creditbank/kernel';
import { assertCatalogEditor, parseCatalogCode, publishDraft, retirePublished, type CatalogItemVersion } from '../domain/catalog-item';
import { actorOf } from '../domain/access';
import { metaOf, withRetry } from './event-meta';
import type { CatalogStore } from './ports';

/** The event facts of a published version (everything downstream projections need). */
export function publishedFacts(v: CatalogItemVersion, supersedes: number | null) {
  return {
    code: v.code,
    version: v.version,
    scope: v.scope,
    province: v.province,
    title: v.name,
    type: v.type,
    subtype: v.subtype,
    level: v.level,
    track: v.track,
    field: v.field,
    hours: v.hours,
    standardCredits: v.standardCredits,
    validityYears: v.validityYears,
    evidenceRequired: [...v.evidenceRequired],
    supersedesVersion: supersedes,
    publishedAt: (v.publishedAt ?? new Date()).toISOString(),
    publishedBy: v.publishedBy ?? 'system',
  };
}

/** Publish the item's draft: it becomes the version in force, the one it replaces is retired. */
export async function publishCatalogItem(catalog: CatalogStore, ctx: CommandContext, codeRaw: string): Promise<CatalogItemVersion> {
  const parsed = parseCatalogCode(codeRaw, 'code');
  assertCatalogEditor(ctx.caller, parsed);
  const by = actorOf(ctx.caller);
  const done = await withRetry(async () => {
    const [entry] = await catalog.findByCodes(ALL_PROVINCES, [parsed.code]);
    if (!entry) throw new NotFoundError('Catalogue item');
    const { entry: next, published, supersedes } = publishDraft(entry, ctx.now, by);
    const event = createEvent(CatalogItemPublished, publishedFacts(published, supersedes), metaOf(ctx, entry.province));
    return (await catalog.update(next, [event])) ? published : null;
  });
  if (!done) throw new ConflictError('The item changed at the same time; please try again');
  return done;
}

/** Retire the published version of an item (its outcomes keep it; no new outcomes map to it). */
export async function retireCatalogItem(
  catalog: CatalogStore,
  ctx: CommandContext,
  codeRaw: string,
  reasonRaw: string | null | undefined,
): Promise<CatalogItemVersion> {
  const parsed = parseCatalogCode(codeRaw, 'code');
  assertCatalogEditor(ctx.caller, parsed);
  const reason = freeText(reasonRaw, 'reason', { max: 500, multiline: true });
  const by = actorOf(ctx.caller);
  const done = await withRetry(async () => {
    const [entry] = await catalog.findByCodes(ALL_PROVINCES, [parsed.code]);
    if (!entry) throw new NotFoundError('Catalogue item');
    const { entry: next, retired } = retirePublished(entry, reason, ctx.now, by);
    const event = createEvent(
      CatalogItemRetired,
      {
        code: retired.code,
        version: retired.version,
        scope: retired.scope,
        province: retired.province,
        reason,
        retiredAt: ctx.now.toISOString(),
        retiredBy: by,
      },
      metaOf(ctx, entry.province),
    );
    return (await catalog.update(next, [event])) ? retired : null;
  });
  if (!done) throw new ConflictError('The item changed at the same time; please try again');
  return done;
}
