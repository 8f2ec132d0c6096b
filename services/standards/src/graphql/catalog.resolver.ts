import type { Resolvers } from '@creditbank/server';
import { CATALOG_SUBTYPES, outcomeImportSchemaDocument } from '@creditbank/credit-rules';
import { currentVersion, findVersion, visibleVersions, type CatalogItemInput, type CatalogItemVersion } from '../domain/catalog-item';
import type { QualificationLevelInput } from '../domain/qualification-level';
import { listCatalogItems, type CatalogFilterInput } from '../use-cases/get-catalog-items.use-case';
import { upsertCatalogItem } from '../use-cases/upsert-catalog-item.use-case';
import { publishCatalogItem, retireCatalogItem } from '../use-cases/change-catalog-item-status.use-case';
import { upsertQualificationLevel } from '../use-cases/qualification-levels.use-case';
import type { StandardsContext } from './context';

type Page = { first?: number | null; after?: string | null };
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const norm = (code: string) =>
  String(code ?? '')
    .trim()
    .toUpperCase();

/** A version of an item by code (and version), as the caller may see it; the loader applies drafts visibility. */
export async function catalogItemOf(ctx: StandardsContext, code: string, version?: number | null): Promise<CatalogItemVersion | null> {
  const entry = await ctx.loaders.catalog.load(norm(code));
  if (!entry) return null;
  return version !== undefined && version !== null ? findVersion(entry, version, true) : currentVersion(entry, true);
}

let schemaDocument: Record<string, unknown> | null = null;

export const catalogResolvers: Resolvers<StandardsContext> = {
  Query: {
    catalogItem: (_: unknown, args: { code: string; version?: number | null }, ctx: StandardsContext) =>
      catalogItemOf(ctx, args.code, args.version),
    catalogItems: (_: unknown, args: Page & { filter?: CatalogFilterInput | null }, ctx: StandardsContext) =>
      listCatalogItems(ctx.deps.catalog, ctx.caller, args.filter, args.first, args.after),
    catalogSubtypes: () => CATALOG_SUBTYPES,
    qualificationLevels: (_: unknown, __: unknown, ctx: StandardsContext) => ctx.loaders.levels.load('all'),
    outcomeImportSchema: () => (schemaDocument ??= outcomeImportSchemaDocument()),
  },
  Mutation: {
    upsertCatalogItem: (_: unknown, args: { input: CatalogItemInput }, ctx: StandardsContext) =>
      upsertCatalogItem(ctx.deps, ctx.command(), args.input),
    publishCatalogItem: (_: unknown, args: { code: string }, ctx: StandardsContext) =>
      publishCatalogItem(ctx.deps.catalog, ctx.command(), args.code),
    retireCatalogItem: (_: unknown, args: { code: string; reason?: string | null }, ctx: StandardsContext) =>
      retireCatalogItem(ctx.deps.catalog, ctx.command(), args.code, args.reason),
    upsertQualificationLevel: (_: unknown, args: { input: QualificationLevelInput }, ctx: StandardsContext) =>
      upsertQualificationLevel(ctx.deps.levels, ctx.command(), args.input),
  },
  CatalogItem: {
    __resolveReference: (ref: { code: string; version?: number | null }, ctx: StandardsContext) =>
      catalogItemOf(ctx, ref.code, ref.version),
    qualificationLevel: async (v: CatalogItemVersion, _: unknown, ctx: StandardsContext) =>
      v.level === null ? null : ((await ctx.loaders.levels.load('all')).find((l) => l.level === v.level) ?? null),
    publishedAt: (v: CatalogItemVersion) => iso(v.publishedAt),
    retiredAt: (v: CatalogItemVersion) => iso(v.retiredAt),
    versions: async (v: CatalogItemVersion, _: unknown, ctx: StandardsContext) => {
      const entry = await ctx.loaders.catalog.load(v.code);
      return entry ? visibleVersions(entry, true) : [v];
    },
  },
};
