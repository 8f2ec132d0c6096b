import { loadEnv, z } from '@creditbank/config';
import { createLogger } from '@creditbank/logging';
import { createMongo } from '@creditbank/mongo';
import { createOutboxSignal } from '@creditbank/events';
import { standardsEnvShape } from './env';
import { createCatalogRepository } from './persistence/catalog-item.repository';
import { createCreditStandardRepository } from './persistence/credit-standard.repository';
import { createQualificationLevelRepository } from './persistence/qualification-level.repository';
import { seedStandards, type SeedReport } from './use-cases/seed-standards.use-case';

/**
 * Demo data for the standards service: the qualification framework, a realistic catalogue and a
 * default credit standard for Zhejiang (33) and Guangdong (44). Idempotent. Writes through the
 * repositories with the outbox: the catalog-item.published and credit-standard.published events wait
 * in the documents and are published by the running standards service's relay.
 *
 *   MONGODB_URI=… node services/standards/dist/seed-standards.js
 */
export async function runSeed(source: Record<string, string | undefined> = process.env): Promise<SeedReport> {
  // Same variables as the service; no token keys are needed to seed.
  const env = loadEnv(z.object(standardsEnvShape), source);
  const logger = createLogger({ service: 'standards-seed', level: env.LOG_LEVEL });
  const mongo = createMongo({ uri: env.MONGODB_URI, dbName: env.MONGODB_DB, logger });
  const signal = createOutboxSignal();
  const deps = {
    catalog: createCatalogRepository(mongo.connection, signal),
    standards: createCreditStandardRepository(mongo.connection, signal),
    levels: createQualificationLevelRepository(mongo.connection),
  };
  await mongo.start();
  try {
    return await seedStandards(deps, new Date());
  } finally {
    await mongo.stop();
  }
}

if (require.main === module) {
  runSeed().then(
    (r) => {
      process.stdout.write(
        `standards demo data: ${r.itemsPublished.length} catalogue item version(s) published, ${r.itemsUnchanged} unchanged; ` +
          `credit standards published: ${r.standardsPublished.map((s) => `${s.province} v${s.version}`).join(', ') || 'none'}` +
          `${r.standardsKept.length ? `; kept existing: ${r.standardsKept.join(', ')}` : ''}\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
