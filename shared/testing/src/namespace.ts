import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { testInfra } from './infra';

/**
 * Isolation for one test file on the shared broker and database: its own database names
 * (`t<id>_<service>`) and its own topic and consumer-group prefix (`t<id>.`).
 */
export interface TestNamespace {
  readonly id: string;
  readonly topicPrefix: string;
  dbName(service: string): string;
  /** Drop the databases and delete the topics this namespace created. */
  cleanup(): Promise<void>;
}

export function createTestNamespace(): TestNamespace {
  const id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const used = new Set<string>();
  return {
    id,
    topicPrefix: `${id}.`,
    dbName(service) {
      const name = `${id}_${service.replace(/-/g, '_')}`;
      used.add(name);
      return name;
    },
    async cleanup() {
      const { mongodbUri, kafkaBrokers } = testInfra();
      const client = new MongoClient(mongodbUri, { serverSelectionTimeoutMS: 5_000 });
      try {
        await client.connect();
        for (const name of used)
          await client
            .db(name)
            .dropDatabase()
            .catch(() => undefined);
      } finally {
        await client.close();
      }
      const kafka = new Kafka({ brokers: kafkaBrokers.split(','), clientId: 'test-cleanup', logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${id}.`));
        if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
