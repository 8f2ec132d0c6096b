import { CreditStandardPublished, createEvent } from '@creditbank/contracts';
import { BadInputError, ConflictError, type CommandContext } from '@creditbank/kernel';
import { nextStandard, parseCreditStandardInput, type CreditStandard, type CreditStandardInput } from '../domain/credit-standard';
import { actorOf } from '../domain/access';
import { metaOf } from './event-meta';
import { listQualificationLevels } from './qualification-levels.use-case';
import type { CatalogStore, CreditStandardStore, QualificationLevelStore } from './ports';

/** The event facts: every rule, so consumers compute credits without asking. */
export function standardFacts(s: CreditStandard) {
  return {
    province: s.province,
    version: s.version,
    title: s.name,
    effectiveFrom: s.effectiveFrom.toISOString(),
    supersedesVersion: s.supersedesVersion,
    pointsPerCredit: s.pointsPerCredit,
    rules: s.rules.map((r) => ({ ...r, levelCredits: r.levelCredits.map((l) => ({ ...l })) })),
    itemRules: s.itemRules.map((r) => ({ ...r })),
    annualCaps: s.annualCaps.map((c) => ({ ...c })),
    publishedAt: s.publishedAt.toISOString(),
    publishedBy: s.publishedBy,
  };
}

export interface PublishStandardDeps {
  standards: CreditStandardStore;
  catalog: CatalogStore;
  levels: QualificationLevelStore;
}

/**
 * Publish the next version of a province's credit standard (CENTER_ADMIN of the province,
 * PLATFORM_ADMIN). It takes effect now or at a later effectiveFrom; earlier versions stay as they were.
 */
export async function publishCreditStandard(
  deps: PublishStandardDeps,
  ctx: CommandContext,
  input: CreditStandardInput,
): Promise<CreditStandard> {
  const levels = (await listQualificationLevels(deps.levels)).map((l) => l.level);
  const parsed = parseCreditStandardInput(input, levels);
  if (parsed.itemRules.length) {
    // Item rules must name published items usable in the province (national, or the province's own).
    const entries = await deps.catalog.findByCodes(
      null,
      parsed.itemRules.map((r) => r.catalogItemCode),
    );
    parsed.itemRules.forEach((r, i) => {
      const entry = entries.find((e) => e.code === r.catalogItemCode);
      if (!entry || (entry.scope === 'PROVINCIAL' && entry.province !== parsed.province))
        throw new BadInputError('No published catalogue item with this code for the province', `input.itemRules.${i}.catalogItemCode`);
    });
  }
  const latest = await deps.standards.latest(parsed.province);
  const next = nextStandard(parsed, latest, ctx.now, actorOf(ctx.caller));
  const event = createEvent(CreditStandardPublished, standardFacts(next), metaOf(ctx, next.province));
  if (!(await deps.standards.insert(next, [event])))
    throw new ConflictError('Another version of this standard was published at the same time; please try again');
  return next;
}
