import { LOCAL_KAFKA_BROKERS, LOCAL_MONGODB_URI } from '@creditbank/config';

/** Addresses of the shared test broker and database (set by the jest global setup). */
export function testInfra(): { mongodbUri: string; kafkaBrokers: string } {
  return {
    mongodbUri: process.env['MONGODB_URI'] ?? LOCAL_MONGODB_URI,
    kafkaBrokers: process.env['KAFKA_BROKERS'] ?? LOCAL_KAFKA_BROKERS,
  };
}
