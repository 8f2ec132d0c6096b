/**
 * Local development defaults. The local infrastructure provisioner (deploy/local) listens on these
 * same ports; a test keeps the two in step. They are deliberately not the usual 27017/9092 so the
 * platform never talks to some other server on a developer's machine by accident.
 */
export const LOCAL_MONGODB_URI = 'mongodb://127.0.0.1:27117';
export const LOCAL_KAFKA_BROKERS = '127.0.0.1:19092';

/** Default HTTP ports of the gateway and the six subgraphs. */
export const LOCAL_PORTS = {
  gateway: 4000,
  account: 4101,
  outcome: 4102,
  standards: 4103,
  conversion: 4104,
  'intake-network': 4105,
  analytics: 4106,
} as const;

export type ServiceName = Exclude<keyof typeof LOCAL_PORTS, 'gateway'>;

export const SERVICE_NAMES: readonly ServiceName[] = ['account', 'outcome', 'standards', 'conversion', 'intake-network', 'analytics'];

/**
 * Development-only key of the HMAC over resident ID numbers. The account and outcome services must
 * share the key (rows name learners by ID number); production refuses to start with this value.
 */
export const DEV_ID_HASH_KEY = 'local-dev-only-id-hash-key-change-me!!!';
