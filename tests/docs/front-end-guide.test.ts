import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';

// Every example operation in the front-end guide must be valid against the graph the gateway serves,
// so the guide cannot drift from the API. The supergraph SDL carries its federation directive
// definitions, so graphql-js builds it as is.
const root = join(__dirname, '..', '..');
const blocksOf = (file: string) =>
  [...readFileSync(join(root, 'docs', file), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
const blocks = blocksOf('front-end.md');
const partnerBlocks = blocksOf('partner-universities.md');
let schema: GraphQLSchema;

beforeAll(() => {
  schema = buildSchema(readFileSync(join(root, 'gateway', 'supergraph.graphql'), 'utf8'));
});

it('has examples', () => {
  expect(blocks.length).toBeGreaterThan(30);
});

it.each(blocks.map((b) => [/^(query|mutation) (\w+)/m.exec(b)?.[2] ?? b.slice(0, 40), b] as const))('%s is valid', (_name, block) => {
  expect(validate(schema, parse(block)).map((e) => e.message)).toEqual([]);
});

it.each(partnerBlocks.map((b) => [/^(query|mutation) (\w+)/m.exec(b)?.[2] ?? b.slice(0, 40), b] as const))(
  'partner guide: %s is valid',
  (_name, block) => {
    expect(validate(schema, parse(block)).map((e) => e.message)).toEqual([]);
  },
);

it('shows every public query and mutation of the graph at least once', () => {
  const used = new Set(blocks.flatMap((b) => [...b.matchAll(/^\s+(\w+)[({\s]/gm)].map((m) => m[1]!)));
  const operations = [schema.getQueryType()!, schema.getMutationType()!].flatMap((t) => Object.keys(t.getFields()));
  // Operations beyond the contract are listed in the services' guides.
  const contract = operations.filter((op) => !OUTSIDE_GUIDE.has(op));
  expect(contract.filter((op) => !used.has(op))).toEqual([]);
});

/** Operations documented in the service guides rather than here (admin tooling, partner webhooks). */
const OUTSIDE_GUIDE = new Set<string>([]);
