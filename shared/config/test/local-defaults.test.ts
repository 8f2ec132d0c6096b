import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCAL_KAFKA_BROKERS, LOCAL_MONGODB_URI } from '../src';

// The services' defaults and the local provisioner must agree, or `npm start` talks to nothing.
it('local infrastructure defaults match the provisioner', () => {
  const url = pathToFileURL(join(__dirname, '../../../deploy/local/lib/config.mjs')).href;
  const script = `import { loadConfig } from '${url}'; const c = loadConfig({}); console.log(JSON.stringify({ kafka: c.kafka.port, mongo: c.ferretdb.port }));`;
  const ports = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    kafka: number;
    mongo: number;
  };
  expect(LOCAL_KAFKA_BROKERS).toBe(`127.0.0.1:${ports.kafka}`);
  expect(LOCAL_MONGODB_URI).toBe(`mongodb://127.0.0.1:${ports.mongo}`);
});
