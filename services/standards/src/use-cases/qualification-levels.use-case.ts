import type { CommandContext } from '@creditbank/kernel';
import { mergeLevels, parseLevelInput, type QualificationLevel, type QualificationLevelInput } from '../domain/qualification-level';
import { actorOf } from '../domain/access';
import type { QualificationLevelStore } from './ports';

/** The qualification framework in force (the default overlaid by configured levels). Public. */
export async function listQualificationLevels(store: QualificationLevelStore): Promise<QualificationLevel[]> {
  return mergeLevels(await store.list());
}

/** Rename, describe or add a level of the national framework (PLATFORM_ADMIN). */
export async function upsertQualificationLevel(
  store: QualificationLevelStore,
  ctx: CommandContext,
  input: QualificationLevelInput,
): Promise<QualificationLevel> {
  const level = parseLevelInput(input);
  await store.upsert(level, ctx.now, actorOf(ctx.caller));
  return level;
}
