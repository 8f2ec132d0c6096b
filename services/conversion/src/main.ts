import { loadEnv } from '@creditbank/config';
import { createPiiCipher, parsePiiKeys } from '@creditbank/identity';
import {
  allReady,
  createBackgroundLoop,
  createServiceKit,
  createSubgraphServer,
  loadSchemaFile,
  mergeResolvers,
  runMain,
  startComponents,
  type StartedService,
} from '@creditbank/server';
import { conversionEnvSchema } from './env';
import { buildConversionContext, type ConversionDepsAll } from './graphql/context';
import { conversionPolicy } from './graphql/policy';
import { ruleResolvers } from './graphql/rule.resolver';
import { conversionResolvers } from './graphql/conversion.resolver';
import { rewardWebhookResolvers } from './graphql/reward-webhook.resolver';
import { CREDIT_ACCOUNTS_COLLECTION, createCreditAccountRepository } from './persistence/credit-account.repository';
import { createApplicationRepository } from './persistence/application.repository';
import { RULES_COLLECTION, createRuleRepository } from './persistence/rule.repository';
import { createRewardRepository } from './persistence/reward.repository';
import { createIdempotencyRepository } from './persistence/idempotency.repository';
import { createWebhookRepository } from './persistence/webhook.repository';
import { createWebhookSender, systemResolver } from './infrastructure/webhook-sender';
import { outcomeEventHandlers } from './events/outcome-events.handler';
import { accountEventHandlers } from './events/account-events.handler';
import { settleAccount } from './use-cases/account-writer';
import { releaseStaleHolds } from './use-cases/rewards.use-case';
import { deliverDue, type HostResolver, type WebhookSender } from './use-cases/webhooks.use-case';

export const typeDefs = loadSchemaFile(__dirname);

export interface ConversionOverrides {
  /** Host name resolution for webhook URLs (tests map names to addresses). */
  resolveHost?: HostResolver;
  sender?: WebhookSender;
}

/** The only wiring point of the conversion service: env → mongo → kafka → server → probes. */
export async function main(
  source: Record<string, string | undefined> = process.env,
  overrides: ConversionOverrides = {},
): Promise<StartedService & { deps: ConversionDepsAll }> {
  const env = loadEnv(conversionEnvSchema, source);
  const kit = createServiceKit('conversion', env);
  const cipher = createPiiCipher(parsePiiKeys(env.PII_KEYS), env.PII_ACTIVE_KID);

  const { accounts, ledger } = createCreditAccountRepository(kit.mongo.connection, kit.outboxSignal);
  const deps: ConversionDepsAll = {
    accounts,
    ledger,
    applications: createApplicationRepository(kit.mongo.connection),
    webhooks: createWebhookRepository(kit.mongo.connection),
    rules: createRuleRepository(kit.mongo.connection, kit.outboxSignal),
    rewards: createRewardRepository(kit.mongo.connection),
    idempotency: createIdempotencyRepository(kit.mongo.connection),
    sealer: { seal: (plain) => cipher.encrypt(plain, 'webhook-secret'), open: (sealed) => cipher.decrypt(sealed, 'webhook-secret') },
    resolveHost: overrides.resolveHost ?? systemResolver,
    settings: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      baseMs: env.WEBHOOK_RETRY_BASE_MS,
      maxMs: env.WEBHOOK_RETRY_MAX_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      graceMs: env.WEBHOOK_SECRET_GRACE_HOURS * 3_600_000,
      allowHttp: env.WEBHOOK_ALLOW_HTTP,
      devAllowedOrigins: env.WEBHOOK_DEV_ALLOWED_ORIGINS,
      leaseMs: env.WEBHOOK_TIMEOUT_MS + 30_000,
    },
    onSettleError: (error, accountNo) =>
      kit.logger.warn({ err: error, accountNo }, 'follow-ups of a write failed; the sweep will finish them'),
  };
  const sender = overrides.sender ?? createWebhookSender();

  const relay = kit.outboxRelay([CREDIT_ACCOUNTS_COLLECTION, RULES_COLLECTION]);
  const outcomeEvents = kit.consumer('outcome-events', outcomeEventHandlers(deps));
  const accountEvents = kit.consumer('account-events', accountEventHandlers(deps));
  const sweep = createBackgroundLoop(
    'settle-sweep',
    env.SETTLE_SWEEP_MS,
    async () => {
      for (const accountNo of await accounts.unsettled(100)) await settleAccount(deps, accountNo);
    },
    kit.logger,
  );
  const holdSweep = createBackgroundLoop(
    'reward-hold-sweep',
    env.REWARD_HOLD_SWEEP_MS,
    async () => {
      const { released, settled } = await releaseStaleHolds(deps, new Date(), env.REWARD_HOLD_STALE_MS);
      for (const h of released)
        kit.logger.warn(
          { itemCode: h.code, province: h.province, redemptionId: h.redemptionId, quantity: h.quantity, heldAt: h.heldAt },
          'stock held for a redemption that never finished was returned',
        );
      if (settled) kit.logger.info({ settled }, 'stock markers of written redemptions settled');
    },
    kit.logger,
  );
  const dispatcher = createBackgroundLoop(
    'webhook-dispatcher',
    env.WEBHOOK_POLL_MS,
    async () => {
      while ((await deliverDue({ ...deps, sender })) > 0);
    },
    kit.logger,
  );

  const components = [
    kit.mongo,
    kit.topics,
    kit.publisher,
    relay,
    outcomeEvents,
    accountEvents,
    sweep,
    holdSweep,
    ...(env.WEBHOOK_DISPATCHER_ENABLED ? [dispatcher] : []),
  ];
  const server = createSubgraphServer({
    service: 'conversion',
    typeDefs,
    resolvers: mergeResolvers(ruleResolvers, conversionResolvers, rewardWebhookResolvers),
    policy: conversionPolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    buildContext: buildConversionContext(deps),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS, deps };
}

if (require.main === module) runMain(() => main());
