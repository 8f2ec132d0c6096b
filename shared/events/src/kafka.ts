import { Kafka, logLevel, type LogEntry, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@creditbank/logging';

// kafkajs warns about its v2 partitioner change on every producer; we use the default on purpose.
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Extra kafkajs settings (SSL/SASL in production). */
  extra?: Partial<KafkaConfig>;
}

/**
 * The one place kafkajs is configured. kafkajs is unmaintained since 2023, so the rest of the code
 * sees only our producer/consumer/relay interfaces, never kafkajs types.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        // Group-coordinator churn at start-up is normal on a fresh broker: keep it out of the error log.
        const noisy =
          /coordinator is (loading|not available)|not the correct coordinator|rebalance|Limiting retries for the idempotent producer/i.test(
            String(rest['error'] ?? message),
          );
        if (level === logLevel.ERROR && !noisy) log.error(rest, message);
        else if (level <= logLevel.WARN && !noisy) log.warn(rest, message);
        else log.debug(rest, message);
      },
    ...options.extra,
  });
}

export type { Kafka, KafkaConfig } from 'kafkajs';
