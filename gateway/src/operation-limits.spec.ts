import { buildSchema, parse, validate } from 'graphql';
import { maxRootFieldOccurrences } from './operation-limits';

const schema = buildSchema(`
  type Query { ping: String }
  type Mutation { login(username: String!, password: String!): String, other: String }
`);
const check = (source: string, max = 1) => validate(schema, parse(source), [maxRootFieldOccurrences({ login: max })]).map((e) => e.message);

describe('maxRootFieldOccurrences', () => {
  it('accepts an operation at the limit', () => {
    expect(check('mutation { login(username: "a", password: "b") other }')).toEqual([]);
    expect(check('mutation { a: login(username: "a", password: "b") b: login(username: "a", password: "c") }', 2)).toEqual([]);
  });

  it('refuses aliased repeats one past the limit', () => {
    expect(check('mutation { a: login(username: "a", password: "b") b: login(username: "a", password: "c") }')).toEqual([
      "Operation limit: at most 1 'login' per operation, found 2",
    ]);
  });

  it('counts through inline and named fragments, each fragment once per spread chain', () => {
    const source = `
      mutation { ...F ... on Mutation { c: login(username: "a", password: "d") } }
      fragment F on Mutation { a: login(username: "a", password: "b") b: login(username: "a", password: "c") }
    `;
    expect(check(source, 2)).toEqual(["Operation limit: at most 2 'login' per operation, found 3"]);
  });

  it('leaves other fields alone', () => {
    expect(check('mutation { a: other b: other c: other }')).toEqual([]);
  });
});
