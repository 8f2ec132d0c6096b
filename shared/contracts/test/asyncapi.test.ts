import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import YAML from 'yaml';
import { ALL_TOPICS, EVENT_CATALOG, buildAsyncApiDocument, messageId } from '../src';

const file = join(__dirname, '../../../docs/asyncapi.yaml');
const version = (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

describe('AsyncAPI document', () => {
  it('docs/asyncapi.yaml is generated from the current catalogue (run `npm run events:docs`)', () => {
    const committed = YAML.parse(readFileSync(file, 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument(version))));
  });

  it('is a valid AsyncAPI 3 document', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(file, 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document).toBeDefined();
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    const topics = ALL_TOPICS.filter((t) => EVENT_CATALOG.some((d) => d.topic === t));
    expect(addresses).toEqual(expect.arrayContaining([...topics, ...topics.map((t) => `${t}.dlq`)]));
  });

  it('documents every event type with its schema, key and an example', () => {
    const doc = buildAsyncApiDocument(version) as {
      components: {
        messages: Record<string, { name: string; examples: unknown[]; bindings: { kafka: { key: { description: string } } } }>;
      };
    };
    for (const def of EVENT_CATALOG) {
      const message = doc.components.messages[messageId(def.type)];
      expect(message?.name).toBe(def.type);
      expect(message?.examples).toHaveLength(1);
      expect(message?.bindings.kafka.key.description).toMatch(/^Partition key: data\./);
    }
  });
});
