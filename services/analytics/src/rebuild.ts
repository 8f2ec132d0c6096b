import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_TOPICS } from '@creditbank/contracts';
import { loadEnv } from '@creditbank/config';
import { createServiceKit } from '@creditbank/server';
import type { Kafka } from '@creditbank/events';
import { analyticsEnvSchema } from './env';
import { nativeDb, readModelHandlers } from './main';
import { createReadModelRepository } from './persistence/read-model.repository';
import { dropGeneration, nextGeneration, readPointer, switchGeneration } from './persistence/generation.repository';
import { createFreshnessTracker } from './infrastructure/freshness';

export interface RebuildOptions {
  /** After the switch, keep consuming this long so nothing the live consumer wrote meanwhile is missed (default: 3 × refresh interval + 2 s). */
  graceMs?: number;
  /** Give up when not caught up after this long (default 30 min). */
  timeoutMs?: number;
  /** Keep the generation before the previous one (default: drop it; the previous one is kept for a rollback). */
  keepOld?: boolean;
  log?: (message: string) => void;
}

export interface RebuildResult {
  from: string;
  to: string;
  dropped: string | null;
  seconds: number;
}

type Offsets = Map<string, Map<number, { high: bigint; low: bigint }>>;

async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: Offsets = new Map();
    for (const t of topics) {
      const parts = await admin.fetchTopicOffsets(t);
      out.set(t, new Map(parts.map((p) => [p.partition, { high: BigInt(p.high), low: BigInt(p.low) }])));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Whether the group has committed past every end offset captured in `targets`. */
async function caughtUp(kafka: Kafka, groupId: string, targets: Offsets): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [...targets.keys()] });
    for (const t of committed) {
      const want = targets.get(t.topic);
      if (!want) continue;
      for (const p of t.partitions) {
        const w = want.get(p.partition);
        if (!w || w.high === w.low) continue;
        if (Number(p.offset) < 0 || BigInt(p.offset) < w.high) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

async function waitCaughtUp(kafka: Kafka, groupId: string, targets: Offsets, deadline: number): Promise<void> {
  while (!(await caughtUp(kafka, groupId, targets))) {
    if (Date.now() > deadline) throw new Error(`rebuild: not caught up before the deadline (group ${groupId})`);
    await sleep(250);
  }
}

/**
 * `npm run analytics:rebuild`: replay every topic from the beginning into a fresh generation of the
 * read models with a fresh consumer group, switch the active-generation pointer once caught up with
 * the end offsets, keep consuming for a grace period (the live consumers follow the pointer within
 * one refresh interval), then stop. Queries keep reading the old generation until the switch: no
 * downtime. Idempotent writes make the overlap harmless.
 */
export async function rebuild(
  source: Record<string, string | undefined> = process.env,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const log = options.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const started = Date.now();
  const env = loadEnv(analyticsEnvSchema, source);
  const kit = createServiceKit('analytics', env);
  const db = nativeDb(kit);
  await kit.mongo.start();
  await kit.topics.start();
  await kit.publisher.start();
  try {
    const pointer = await readPointer(db());
    const to = nextGeneration(pointer.active);
    await dropGeneration(db(), to); // leftovers of an interrupted rebuild
    log(`rebuild: ${pointer.active} → ${to}`);
    const store = createReadModelRepository({ db, generation: () => to, freshnessWriteMs: 0 });
    const consumer = kit.consumer(
      `rebuild-${to}-${Date.now().toString(36)}`,
      readModelHandlers(store, createFreshnessTracker(kit.metrics.registry)),
      { applyConcurrency: env.ANALYTICS_APPLY_CONCURRENCY },
    );
    const topics = ALL_TOPICS.map((t) => env.KAFKA_TOPIC_PREFIX + t);
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    const targets = await endOffsets(kit.kafka, topics);
    await consumer.start();
    try {
      await waitCaughtUp(kit.kafka, consumer.groupId, targets, deadline);
      await switchGeneration(db(), to);
      log(`rebuild: caught up; queries now read ${to}`);
      await sleep(options.graceMs ?? env.ANALYTICS_GENERATION_REFRESH_MS * 3 + 2_000);
      await waitCaughtUp(kit.kafka, consumer.groupId, await endOffsets(kit.kafka, topics), deadline);
    } finally {
      await consumer.stop();
    }
    const admin = kit.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([consumer.groupId]).catch(() => undefined);
    await admin.disconnect();
    let dropped: string | null = null;
    if (!options.keepOld && pointer.previous && pointer.previous !== to) {
      await dropGeneration(db(), pointer.previous);
      dropped = pointer.previous;
    }
    const seconds = (Date.now() - started) / 1000;
    log(`rebuild: done in ${seconds.toFixed(1)} s${dropped ? ` (dropped ${dropped})` : ''}`);
    return { from: pointer.active, to, dropped, seconds };
  } finally {
    await kit.publisher.stop();
    await kit.mongo.stop();
  }
}

if (require.main === module) {
  rebuild(process.env, { keepOld: process.argv.includes('--keep-old') }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`rebuild failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
