import { ALL_PROVINCES, ConflictError, type CommandContext } from '@creditbank/kernel';
import {
  assertCatalogEditor,
  parseCatalogCode,
  parseCatalogInput,
  upsertDraft,
  type CatalogItemInput,
  type CatalogItemVersion,
} from '../domain/catalog-item';
import { actorOf } from '../domain/access';
import { withRetry } from './event-meta';
import { listQualificationLevels } from './qualification-levels.use-case';
import type { CatalogStore, QualificationLevelStore } from './ports';

/**
 * Create an item or edit it: the result is a draft version (a published version is never changed;
 * editing it creates the next version). Drafts publish no events; publishing does.
 */
export async function upsertCatalogItem(
  deps: { catalog: CatalogStore; levels: QualificationLevelStore },
  ctx: CommandContext,
  input: CatalogItemInput,
): Promise<CatalogItemVersion> {
  assertCatalogEditor(ctx.caller, parseCatalogCode(input.code, 'input.code'));
  const levels = (await listQualificationLevels(deps.levels)).map((l) => l.level);
  const { code, facts } = parseCatalogInput(input, levels);
  const by = actorOf(ctx.caller);
  const saved = await withRetry(async () => {
    const [entry] = await deps.catalog.findByCodes(ALL_PROVINCES, [code]);
    const { entry: next, version, changed } = upsertDraft(entry ?? null, code, facts, ctx.now, by);
    if (!changed) return version;
    if (!entry) return (await deps.catalog.insert(next, [])) ? version : null;
    return (await deps.catalog.update(next, [])) ? version : null;
  });
  if (!saved) throw new ConflictError('The item changed at the same time; please try again');
  return saved;
}
