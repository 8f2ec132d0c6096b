import type { Collection, Db, Document } from 'mongodb';

/**
 * Read-model generations. Every event-derived collection is named `<generation>_<name>`; one
 * document says which generation queries (and the live consumer) use. A rebuild fills a new
 * generation from the beginning of the topics and then switches the pointer: queries never stop.
 */
export const META_COLLECTION = 'analytics_meta';
const POINTER_ID = 'generation';
export const INITIAL_GENERATION = 'g1';

export interface GenerationPointer {
  active: string;
  previous: string | null;
  switchedAt: string | null;
}

interface PointerDoc {
  _id: string;
  active: string;
  previous: string | null;
  switchedAt: string | null;
}

function meta(db: Db): Collection<PointerDoc> {
  return db.collection<PointerDoc>(META_COLLECTION);
}

export async function readPointer(db: Db): Promise<GenerationPointer> {
  const doc = await meta(db).findOne({ _id: POINTER_ID });
  if (doc) return { active: doc.active, previous: doc.previous ?? null, switchedAt: doc.switchedAt ?? null };
  await meta(db)
    .updateOne({ _id: POINTER_ID }, { $setOnInsert: { active: INITIAL_GENERATION, previous: null, switchedAt: null } }, { upsert: true })
    .catch(() => undefined);
  const again = await meta(db).findOne({ _id: POINTER_ID });
  return { active: again?.active ?? INITIAL_GENERATION, previous: again?.previous ?? null, switchedAt: again?.switchedAt ?? null };
}

export async function switchGeneration(db: Db, to: string): Promise<GenerationPointer> {
  const current = await readPointer(db);
  const next = { active: to, previous: current.active, switchedAt: new Date().toISOString() };
  await meta(db).updateOne({ _id: POINTER_ID }, { $set: next }, { upsert: true });
  return next;
}

/** The next generation name after `g<n>`. */
export function nextGeneration(current: string): string {
  const n = Number(/^g(\d+)$/.exec(current)?.[1] ?? '1');
  return `g${n + 1}`;
}

export async function generationCollections(db: Db, generation: string): Promise<string[]> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  return names.filter((n) => n.startsWith(`${generation}_`));
}

export async function dropGeneration(db: Db, generation: string): Promise<number> {
  const names = await generationCollections(db, generation);
  for (const n of names) await db.dropCollection(n).catch(() => undefined);
  return names.length;
}

/**
 * The active generation as this process sees it: read at start, refreshed in the background. The
 * live consumer writes into it and queries read from it, so after a switch both follow within one
 * refresh interval.
 */
export interface GenerationTracker {
  current(): string;
  refresh(): Promise<string>;
  start(): void;
  stop(): void;
}

export function createGenerationTracker(db: () => Db, refreshMs: number): GenerationTracker {
  let active = INITIAL_GENERATION;
  let timer: NodeJS.Timeout | null = null;
  const tracker: GenerationTracker = {
    current: () => active,
    async refresh() {
      active = (await readPointer(db())).active;
      return active;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        tracker.refresh().catch(() => undefined);
      }, refreshMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return tracker;
}

/** A fixed generation (the rebuild writes into the one it builds). */
export function fixedGeneration(generation: string): Pick<GenerationTracker, 'current'> {
  return { current: () => generation };
}

export type { Document };
