// Jest global setup for the integration project: make sure the local Kafka and FerretDB run (or use
// MONGODB_URI / KAFKA_BROKERS when given) and hand their addresses to the test workers via env.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

module.exports = async function globalSetup() {
  const infra = await import(pathToFileURL(path.join(__dirname, '../../../deploy/local/infra.mjs')).href);
  const { mongodbUri, kafkaBrokers, cjkFont } = await infra.up({ quiet: true });
  process.env.MONGODB_URI = mongodbUri;
  process.env.KAFKA_BROKERS = kafkaBrokers;
  if (cjkFont && !process.env.CERT_FONT_FILE) process.env.CERT_FONT_FILE = cjkFont;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
};
