import { graphql, tokens } from '@creditbank/testing';
import { startGateway, startPlatform, type Platform } from '../support/platform';
import { countingSubgraphCalls } from '../support/security';

// Every gateway limit at the limit (answered) and one past it (refused with a message naming the
// limit, before any subgraph is called: the subgraphs' own operation counters do not move).
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

/** Accepted by the gateway's limits (it may still be refused by the service). */
const accepted = async (query: string) => {
  const r = await graphql(platform.gatewayUrl, query);
  return !r.errors?.some((e) => ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'].includes(String(e.extensions?.['code'])));
};

/** The largest n in [lo, hi] whose query is accepted (acceptance is monotone in n). */
async function largestAccepted(make: (n: number) => string, lo: number, hi: number): Promise<number> {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await accepted(make(mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

async function expectRefusedBeforeSubgraphs(query: string, message: RegExp): Promise<void> {
  const { result, calls } = await countingSubgraphCalls(platform, () => graphql(platform.gatewayUrl, query));
  expect(result.status).toBe(400);
  expect(result.errors?.[0]?.message).toMatch(message);
  expect(result.data ?? null).toBeNull();
  expect(calls).toBe(0);
}

async function expectAnswered(query: string): Promise<void> {
  const r = await graphql(platform.gatewayUrl, query);
  expect(r.errors).toBeUndefined();
  expect(r.data).toBeTruthy();
}

// `serviceNode` resolves in the intake-network subgraph; an unknown id answers null.
const deep = (n: number) => `{ serviceNode(id: "x") { ${'parent { '.repeat(n)}id${' }'.repeat(n)} } }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: serviceNode(id: "x") { id }`).join(' ')} }`;
// Tokens cheaply (no cost, no repeated fields): a list literal argument. Anonymous, so an accepted
// operation reaches the intake-network service and is refused there as unauthenticated.
const manyTokens = (n: number) =>
  `mutation { openServiceNode(input: { kind: CENTER, name: "x", adminDivision: "330000", services: [${'DEPOSIT '.repeat(n)}] }) { id } }`;
const directives = (n: number) => `{ serviceNode(id: "x") { id ${'__typename @include(if: true) '.repeat(n)}} }`;
// Cost grows with depth and breadth: n aliased copies of a chain 10 parents deep with scalars at each level.
const LEVEL = 'id name kind province adminDivision status';
const chain = `${LEVEL} ${'parent { '.repeat(10)}${LEVEL}${' }'.repeat(10)}`;
const costly = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `c${i}: serviceNode(id: "x${i}") { ${chain} }`).join(' ')} }`;

describe('limits at the limit and one past, refused before any subgraph is called', () => {
  it('depth 12', async () => {
    await expectAnswered(deep(10)); // serviceNode + 10 parents + id = 12
    await expectRefusedBeforeSubgraphs(deep(11), /Query depth limit of 12 exceeded, found 13\.$/);
  });

  it('30 aliases', async () => {
    await expectAnswered(aliases(30));
    await expectRefusedBeforeSubgraphs(aliases(31), /Aliases limit of 30 exceeded, found 31\.$/);
  });

  it('5,000 tokens', async () => {
    const n = await largestAccepted(manyTokens, 1, 6000);
    expect(n).toBe(5000 - 26); // 26 tokens around the list
    const { result, calls } = await countingSubgraphCalls(platform, () => graphql(platform.gatewayUrl, manyTokens(n)));
    expect(result.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED'); // past the gateway's limits
    expect(calls).toBe(1);
    await expectRefusedBeforeSubgraphs(manyTokens(n + 1), /^Syntax Error: Document contains more tha[nt] 5000 tokens\. Parsing aborted\.$/);
  });

  it('50 directives', async () => {
    await expectAnswered(directives(50));
    await expectRefusedBeforeSubgraphs(directives(51), /Directives limit of 50 exceeded, found 51\.$/);
  });

  it('a cost budget of 20,000', async () => {
    const over = await graphql(platform.gatewayUrl, costly(30)); // 30 aliases: within the alias limit
    expect(over.errors?.[0]?.message).toMatch(/Query Cost limit of 20000 exceeded, found [\d.]+\.$/);
    const n = await largestAccepted(costly, 1, 29);
    expect(n).toBeGreaterThan(1);
    await expectAnswered(costly(n));
    await expectRefusedBeforeSubgraphs(costly(n + 1), /Query Cost limit of 20000 exceeded, found [\d.]+\.$/);
  });

  it('a fragment named __schema is counted like any other (no introspection bypass of the limits)', async () => {
    const viaFragment = (n: number) =>
      `query { serviceNode(id: "x") { ...__schema } } fragment __schema on ServiceNode { ${'parent { '.repeat(n)}id${' }'.repeat(n)} }`;
    // The spread counts as a level: serviceNode, ...__schema, 8 parents, id = 12.
    await expectAnswered(viaFragment(8));
    await expectRefusedBeforeSubgraphs(viaFragment(9), /Query depth limit of 12 exceeded, found 13\.$/);
    const aliasedInFragment = (n: number) =>
      `query { ...__schema } fragment __schema on Query { ${Array.from({ length: n }, (_, i) => `a${i}: serviceNode(id: "x") { id }`).join(' ')} }`;
    await expectAnswered(aliasedInFragment(30));
    await expectRefusedBeforeSubgraphs(aliasedInFragment(31), /Aliases limit of 30 exceeded, found 31\.$/);
  });

  it('a 16 MB body (413 one byte past it)', async () => {
    const limit = 16 * 1024 * 1024;
    const body = (bytes: number) => {
      const head = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
      return head.replace('"pad":""', `"pad":"${'x'.repeat(bytes - head.length)}"`);
    };
    const post = (b: string) => fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b });
    expect(Buffer.byteLength(body(limit))).toBe(limit);
    const at = await post(body(limit));
    expect(at.status).toBe(200);
    expect(await at.json()).toEqual({ data: { __typename: 'Query' } });
    const { result, calls } = await countingSubgraphCalls(platform, () => post(body(limit + 1)));
    expect(result.status).toBe(413);
    expect(calls).toBe(0);
  }, 60_000);
});

describe('operations, not HTTP requests, are what is limited', () => {
  it('refuses batched HTTP requests', async () => {
    const { result, calls } = await countingSubgraphCalls(platform, () =>
      fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: '{ serviceNode(id: "x") { id } }' }, { query: '{ serviceNode(id: "y") { id } }' }]),
      }),
    );
    expect(result.status).toBe(400);
    expect(await result.text()).toMatch(/batch/i);
    expect(calls).toBe(0);
  });

  const logins = (n: number) =>
    `mutation { ${Array.from({ length: n }, (_, i) => `l${i}: login(username: "330000000000000000", password: "guess-${i}") { token }`).join(' ')} }`;

  it('allows one login per operation and refuses an aliased brute force before the account service is called', async () => {
    const one = await graphql(platform.gatewayUrl, logins(1));
    expect(one.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED'); // wrong password, answered by the service
    for (const n of [2, 30]) {
      const { result, calls } = await countingSubgraphCalls(platform, () => graphql(platform.gatewayUrl, logins(n)));
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.message).toBe(`Operation limit: at most 1 'login' per operation, found ${n}`);
      expect(calls).toBe(0);
    }
    // Fragments do not hide repeats either.
    const hidden = await graphql(
      platform.gatewayUrl,
      `
        mutation {
          ...A
          ...B
        }
        fragment A on Mutation {
          a: login(username: "x", password: "1") {
            token
          }
        }
        fragment B on Mutation {
          b: login(username: "x", password: "2") {
            token
          }
        }
      `,
    );
    expect(hidden.errors?.[0]?.message).toMatch(/at most 1 'login' per operation, found 2/);
  });

  it('a valid token does not lift any limit', async () => {
    const r = await graphql(platform.gatewayUrl, aliases(31), {}, { token: tokens.platformAdmin('33') });
    expect(r.errors?.[0]?.message).toMatch(/Aliases limit of 30 exceeded/);
  });
});

describe('per-client rate limit (RATE_LIMIT_PER_MINUTE), counted in operations', () => {
  it('lets a client spend its budget in root fields, then answers 429 before any subgraph is called; other clients are unaffected', async () => {
    const limited = await startGateway(platform.subgraphUrl, { RATE_LIMIT_PER_MINUTE: '20' });
    try {
      const url = limited.url;
      const token = tokens.centerAdmin('33');
      // 15 aliased fields in one HTTP request take 15 of the 20 tokens; 5 more fit, the 6th does not.
      expect((await graphql(url, aliases(15), {}, { token })).errors).toBeUndefined();
      expect((await graphql(url, aliases(5), {}, { token })).errors).toBeUndefined();
      const { result, calls } = await countingSubgraphCalls(platform, () => graphql(url, aliases(1), {}, { token }));
      expect(result.status).toBe(429);
      expect(result.errors?.[0]).toMatchObject({
        message: 'Too many requests; please slow down',
        extensions: { code: 'TOO_MANY_REQUESTS' },
      });
      expect(result.headers.get('retry-after')).toBe('60');
      expect(calls).toBe(0);
      // Another caller (another token subject) has its own budget.
      const other = await graphql(url, aliases(1), {}, { token: tokens.analyst('33') });
      expect(other.errors).toBeUndefined();
      // Anonymous callers are counted by address: aliases cannot hide operations in one request either.
      expect((await graphql(url, aliases(20))).errors).toBeUndefined();
      expect((await graphql(url, aliases(1))).status).toBe(429);
    } finally {
      await limited.runtime.stop();
    }
  });
});
