import { loadEnv, z } from '@creditbank/config';
import { hashPassword, verifyPassword } from '@creditbank/auth';
import { createLogger } from '@creditbank/logging';
import { createMongo } from '@creditbank/mongo';
import { createOutboxSignal } from '@creditbank/events';
import { accountEnvSchema } from './env';
import { createInstitutionRepository } from './persistence/institution.repository';
import { createStaffRepository } from './persistence/staff-user.repository';
import { bootstrapAdmins, type BootstrapAdmin } from './use-cases/bootstrap-admins.use-case';

/**
 * First deployment of the platform or a province: create the first PLATFORM_ADMIN and the
 * provinces' CENTER_ADMINs from the environment. Idempotent; the staff.user-created events wait in
 * the outbox and are published by the running account service.
 *
 *   BOOTSTRAP_ADMINS='[{"username":"root","password":"…","role":"PLATFORM_ADMIN","province":"11"},
 *                      {"username":"zj-admin","password":"…","role":"CENTER_ADMIN","province":"33"}]'
 *   node services/account/dist/bootstrap.js
 */
const adminsSchema = z.array(
  z.object({
    username: z.string().min(3).max(32),
    password: z.string().min(10).max(128),
    role: z.enum(['PLATFORM_ADMIN', 'CENTER_ADMIN']),
    province: z.string().regex(/^[1-9][0-9]$/),
    displayName: z.string().max(50).optional(),
  }),
);

export async function runBootstrap(
  source: Record<string, string | undefined> = process.env,
): Promise<Array<{ username: string; created: boolean }>> {
  const env = loadEnv(accountEnvSchema, source);
  const raw = source['BOOTSTRAP_ADMINS'];
  if (!raw) throw new Error('BOOTSTRAP_ADMINS is not set (a JSON array of {username, password, role, province})');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('BOOTSTRAP_ADMINS is not valid JSON');
  }
  const admins: BootstrapAdmin[] = adminsSchema.parse(parsed);
  const logger = createLogger({ service: 'account-bootstrap', level: env.LOG_LEVEL });
  const mongo = createMongo({ uri: env.MONGODB_URI, dbName: env.MONGODB_DB, logger });
  const signal = createOutboxSignal();
  const staff = createStaffRepository(mongo.connection, signal);
  const institutions = createInstitutionRepository(mongo.connection, signal);
  await mongo.start();
  try {
    return await bootstrapAdmins({ staff, institutions, passwords: { hash: hashPassword, verify: verifyPassword } }, admins, new Date());
  } finally {
    await mongo.stop();
  }
}

if (require.main === module) {
  runBootstrap().then(
    (results) => {
      for (const r of results) process.stdout.write(`${r.created ? 'created' : 'exists '} ${r.username}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`bootstrap failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
