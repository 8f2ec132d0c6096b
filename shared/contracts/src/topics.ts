/**
 * Kafka topics: one per owning service (`creditbank.<service>.v1`) and a dead-letter topic beside each.
 * Everything that names a topic (producers, consumers, k8s KafkaTopic/KafkaUser, AsyncAPI) derives from here.
 */
export const TOPICS = {
  account: 'creditbank.account.v1',
  network: 'creditbank.network.v1',
  standards: 'creditbank.standards.v1',
  outcome: 'creditbank.outcome.v1',
  conversion: 'creditbank.conversion.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

export const ALL_TOPICS: readonly TopicName[] = Object.values(TOPICS);

export const DLQ_SUFFIX = '.dlq';

export function dlqTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

/** Services that own a subgraph; producers are named by these. */
export const SERVICES = ['account', 'intake-network', 'standards', 'outcome', 'conversion', 'analytics'] as const;
export type Service = (typeof SERVICES)[number];

/** The topic each producing service writes to. */
export const TOPIC_OF_SERVICE: Readonly<Partial<Record<Service, TopicName>>> = {
  account: TOPICS.account,
  'intake-network': TOPICS.network,
  standards: TOPICS.standards,
  outcome: TOPICS.outcome,
  conversion: TOPICS.conversion,
};

/** Which topics each service consumes (DESIGN.md §3). */
export const CONSUMED_TOPICS: Readonly<Record<Service, readonly TopicName[]>> = {
  account: [TOPICS.network],
  'intake-network': [TOPICS.account, TOPICS.standards],
  standards: [TOPICS.account],
  outcome: [TOPICS.account, TOPICS.standards],
  conversion: [TOPICS.outcome, TOPICS.standards, TOPICS.account],
  analytics: [TOPICS.account, TOPICS.network, TOPICS.standards, TOPICS.outcome, TOPICS.conversion],
};
