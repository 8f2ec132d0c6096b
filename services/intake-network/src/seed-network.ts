import { loadEnv } from '@creditbank/config';
import { createOutboxSignal } from '@creditbank/events';
import { createLogger } from '@creditbank/logging';
import { createMongo } from '@creditbank/mongo';
import { seedEnvSchema } from './env';
import { createChinaDivisionDirectory } from './infrastructure/china-division.directory';
import { createServiceNodeRepository } from './persistence/service-node.repository';
import { createIntakePointIndex } from './persistence/intake-point-index.repository';
import { seedNetwork, type SeedNetworkResult } from './use-cases/seed-network.use-case';

/**
 * Seed a province's demo intake network into the intake-network database (idempotent):
 *
 *   node services/intake-network/dist/seed-network.js --province 33 [--points 1629]
 *
 * Reads MONGODB_URI and MONGODB_DB like the service. Every node is written with its
 * `service-node.opened` event in its outbox; the running service's relay publishes them (at once if
 * it is up, else when it starts). Prints the result as one JSON line.
 */
export async function runSeedNetwork(
  argv: readonly string[],
  source: Record<string, string | undefined> = process.env,
): Promise<SeedNetworkResult> {
  const args = parseArgs(argv);
  const env = loadEnv(seedEnvSchema, source);
  const logger = createLogger({ service: 'intake-network', level: env.LOG_LEVEL });
  const mongo = createMongo({ uri: env.MONGODB_URI, dbName: env.MONGODB_DB, appName: 'intake-network-seed', logger, poolSize: 4 });
  const nodes = createServiceNodeRepository(mongo.connection, createOutboxSignal());
  const index = createIntakePointIndex(mongo.connection);
  await mongo.start();
  try {
    return await seedNetwork({ nodes, index, divisions: createChinaDivisionDirectory() }, args);
  } finally {
    await mongo.stop();
  }
}

function parseArgs(argv: readonly string[]): { province: string; intakePoints?: number } {
  let province = '33';
  let intakePoints: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = argv[i + 1];
    if (a === '--province' && value) {
      province = value;
      i++;
    } else if (a === '--points' && value) {
      intakePoints = Number(value);
      if (!Number.isInteger(intakePoints) || intakePoints < 0 || intakePoints > 200_000) throw new Error('--points must be a whole number');
      i++;
    } else {
      throw new Error(`unknown argument ${a}; usage: seed-network --province 33 [--points 1629]`);
    }
  }
  return intakePoints === undefined ? { province } : { province, intakePoints };
}

if (require.main === module) {
  runSeedNetwork(process.argv.slice(2)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`seed-network failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
