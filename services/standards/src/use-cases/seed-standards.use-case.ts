import { CatalogItemPublished, createEvent } from '@creditbank/contracts';
import { ALL_PROVINCES, ConflictError, type CommandContext } from '@creditbank/kernel';
import {
  draftOf,
  parseCatalogInput,
  publicHead,
  publishDraft,
  sameFacts,
  upsertDraft,
  type CatalogItemInput,
} from '../domain/catalog-item';
import type { CreditStandardInput } from '../domain/credit-standard';
import { DEFAULT_QUALIFICATION_LEVELS } from '../domain/qualification-level';
import { publishedFacts } from './change-catalog-item-status.use-case';
import { DEMO_CATALOG, DEMO_STANDARDS } from './demo-standards';
import { metaOf } from './event-meta';
import { publishCreditStandard } from './publish-credit-standard.use-case';
import { listQualificationLevels } from './qualification-levels.use-case';
import type { CatalogStore, CreditStandardStore, QualificationLevelStore } from './ports';

export interface SeedReport {
  levels: number;
  itemsPublished: string[];
  itemsUnchanged: number;
  /** Items with a pending draft (someone is editing them): left alone. */
  itemsSkipped: string[];
  standardsPublished: Array<{ province: string; version: number }>;
  standardsKept: string[];
}

/**
 * Demo data through the same domain rules, repositories and outbox as the graph (validation,
 * versioning, events): the qualification framework, the catalogue and a default credit standard per
 * province. Idempotent: an item whose published version has the same facts is left alone (different
 * facts publish a new version; an item with a pending draft is skipped), and a province that already
 * has a credit standard keeps it. New and changed items are published in one write each.
 */
export async function seedStandards(
  deps: { catalog: CatalogStore; standards: CreditStandardStore; levels: QualificationLevelStore },
  now: Date,
  data: { catalog: readonly CatalogItemInput[]; standards: readonly CreditStandardInput[] } = {
    catalog: DEMO_CATALOG,
    standards: DEMO_STANDARDS,
  },
): Promise<SeedReport> {
  const ctx: CommandContext = {
    caller: { kind: 'user', sub: 'seed', role: 'PLATFORM_ADMIN', province: '11' },
    requestId: 'seed-standards',
    now,
  };
  const report: SeedReport = {
    levels: 0,
    itemsPublished: [],
    itemsUnchanged: 0,
    itemsSkipped: [],
    standardsPublished: [],
    standardsKept: [],
  };
  if ((await deps.levels.list()).length === 0) {
    for (const level of DEFAULT_QUALIFICATION_LEVELS) await deps.levels.upsert(level, now, 'seed');
    report.levels = DEFAULT_QUALIFICATION_LEVELS.length;
  }
  const levels = (await listQualificationLevels(deps.levels)).map((l) => l.level);
  const items = data.catalog.map((i) => parseCatalogInput(i, levels));
  const existing = new Map(
    (
      await deps.catalog.findByCodes(
        ALL_PROVINCES,
        items.map((i) => i.code),
      )
    ).map((e) => [e.code, e]),
  );
  for (const { code, facts } of items) {
    const entry = existing.get(code) ?? null;
    const head = entry ? publicHead(entry) : null;
    if (head?.status === 'PUBLISHED' && sameFacts(head, facts)) {
      report.itemsUnchanged++;
      continue;
    }
    if (entry && draftOf(entry)) {
      report.itemsSkipped.push(code);
      continue;
    }
    const drafted = upsertDraft(entry, code, facts, now, 'seed');
    const { entry: next, published, supersedes } = publishDraft(drafted.entry, now, 'seed');
    const event = createEvent(CatalogItemPublished, publishedFacts(published, supersedes), metaOf(ctx, next.province));
    const saved = entry ? (await deps.catalog.update(next, [event])) !== null : await deps.catalog.insert(next, [event]);
    if (!saved) throw new ConflictError(`Catalogue item ${code} changed while seeding; run the seed again`);
    report.itemsPublished.push(`${code}@${published.version}`);
  }
  for (const standard of data.standards) {
    if (await deps.standards.latest(standard.province)) {
      report.standardsKept.push(standard.province);
      continue;
    }
    const published = await publishCreditStandard(deps, ctx, standard);
    report.standardsPublished.push({ province: published.province, version: published.version });
  }
  return report;
}
