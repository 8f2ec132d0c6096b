import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createGatewayServer, gatewayEnvSchema } from '@creditbank/gateway';
import { allow } from '@creditbank/kernel';
import { createLogger } from '@creditbank/logging';
import { createMetricsRegistry, createSubgraphServer, loadVerifier, type BaseContext, type Resolvers } from '@creditbank/server';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, testJwks, tokens } from '@creditbank/testing';

/**
 * Error masking end to end: a resolver fails with an unexpected error whose message quotes a
 * person (name, resident ID number, phone). The subgraph is built with the platform's own factory
 * (`createSubgraphServer`: token check, policy guard, error formatter, access log) and served by the
 * platform's own gateway (`createGatewayServer`, production mode) over a supergraph composed from it.
 * Called directly and through the gateway, the client gets a generic message, INTERNAL_SERVER_ERROR
 * and a trace id that is the request id of the log lines of the failure; the personal data is
 * nowhere in the response, and the ID number and phone are not in the logs either.
 */
const PERSON = { name: '王小明', idNumber: '110101199003077777', phone: '13800138000' };

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    "Checks a resident against a registry."
    residentCheck(idNumber: String!): ResidentCheck
  }

  type ResidentCheck {
    checkedAt: String!
    status: String
  }
`;

const resolvers: Resolvers<BaseContext> = {
  Query: {
    residentCheck: (_: unknown, args: { idNumber: string }) => ({ checkedAt: new Date().toISOString(), idNumber: args.idNumber }),
  },
  ResidentCheck: {
    // The kind of unexpected failure that quotes the person: a careless message, a driver error.
    status: (check: { idNumber: string }) => {
      throw new Error(`registry rejected ${PERSON.name} (${check.idNumber}, phone ${PERSON.phone})`);
    },
  },
};

type LogLine = Record<string, unknown> & { level?: string; msg?: string; reqId?: string; err?: { message?: string } };

function capturingLogger(service: string) {
  const lines: LogLine[] = [];
  const logger = createLogger({
    service,
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
        cb();
      },
    }),
  });
  return { lines, logger };
}

const jwtEnv = { JWT_JWKS: testJwks(), JWT_ISSUER: TEST_JWT_ISSUER, JWT_AUDIENCE: TEST_JWT_AUDIENCE };
const subgraphLog = capturingLogger('pii-probe');
const gatewayLog = capturingLogger('gateway');
const subgraph = createSubgraphServer<BaseContext>({
  service: 'pii-probe',
  typeDefs: parse(SDL),
  resolvers,
  policy: { 'Query.residentCheck': allow(['CENTER_ADMIN']) },
  host: '127.0.0.1',
  port: 0,
  logger: subgraphLog.logger,
  verifier: loadVerifier(jwtEnv),
  production: true,
  metrics: createMetricsRegistry('pii-probe'),
  readiness: async () => true,
  buildContext: (base) => base,
});
let gateway: ReturnType<typeof createGatewayServer> | undefined;
const dir = mkdtempSync(join(tmpdir(), 'creditbank-masking-'));

beforeAll(async () => {
  await subgraph.start();
  const composed = composeServices([{ name: 'pii-probe', url: subgraph.url(), typeDefs: parse(SDL) }]);
  if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.map((e) => e.message).join('; ')}`);
  const supergraphFile = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphFile, composed.supergraphSdl);
  const env = gatewayEnvSchema.parse({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', SUPERGRAPH_FILE: supergraphFile, ...jwtEnv });
  gateway = createGatewayServer({
    env,
    logger: gatewayLog.logger,
    verifier: loadVerifier(env),
    metrics: createMetricsRegistry('gateway'),
    subgraphUrlsFromSupergraph: true,
  });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph.stop();
  rmSync(dir, { recursive: true, force: true });
});

const QUERY = `query ($id: String!) { residentCheck(idNumber: $id) { checkedAt status } }`;

async function call(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.centerAdmin('33')}`, ...headers },
    body: JSON.stringify({ query: QUERY, variables: { id: PERSON.idNumber } }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    headers: JSON.stringify([...res.headers.entries()]),
    body: JSON.parse(text) as {
      data: { residentCheck: { checkedAt: string; status: string | null } | null };
      errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
    },
  };
}

/** The client's view: the healthy part, one generic error with a code and trace id, no personal data. */
function expectMasked(r: Awaited<ReturnType<typeof call>>): string {
  expect(r.status).toBe(200);
  expect(r.body.data.residentCheck).toEqual({ checkedAt: expect.any(String), status: null });
  expect(r.body.errors).toEqual([
    {
      message: 'Internal server error',
      path: ['residentCheck', 'status'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: expect.any(String) },
    },
  ]);
  for (const pii of [PERSON.name, PERSON.idNumber, PERSON.phone]) {
    expect(r.text).not.toContain(pii);
    expect(r.headers).not.toContain(pii);
  }
  for (const internal of ['registry rejected', 'stack', 'Error:', '.ts:', 'pii-probe', '127.0.0.1']) expect(r.text).not.toContain(internal);
  return r.body.errors![0]!.extensions!['traceId'] as string;
}

/** The failure is logged once under the trace id, with the message for the operator minus the numbers. */
function expectLoggedUnder(lines: LogLine[], traceId: string): LogLine {
  const failures = lines.filter((l) => l.msg === 'unexpected error' && l.reqId === traceId);
  expect(failures).toHaveLength(1);
  expect(failures[0]!.level).toBe('error');
  return failures[0]!;
}

function expectNoPersonalNumbersLogged() {
  const all = JSON.stringify([...subgraphLog.lines, ...gatewayLog.lines]);
  expect(all).not.toContain(PERSON.idNumber);
  expect(all).not.toContain(PERSON.phone);
}

it('called directly, the subgraph answers a generic error whose trace id is the request id of its log line', async () => {
  const requestId = `mask-direct-${Date.now()}`;
  const r = await call(subgraph.url(), { 'x-request-id': requestId });
  const traceId = expectMasked(r);
  expect(traceId).toBe(requestId);
  const line = expectLoggedUnder(subgraphLog.lines, traceId);
  expect(line.err?.message).toBe(`registry rejected ${PERSON.name} ([redacted], phone [redacted])`);
  expect(line['path']).toEqual(['residentCheck', 'status']);
  // The access log line of the operation records the code under the same id.
  expect(subgraphLog.lines).toContainEqual(
    expect.objectContaining({ msg: 'graphql', operation: 'residentCheck', reqId: traceId, errorCodes: ['INTERNAL_SERVER_ERROR'] }),
  );
  expectNoPersonalNumbersLogged();
});

it('through the gateway, the client gets the same generic error; gateway and subgraph log it under that trace id', async () => {
  const requestId = `mask-gateway-${Date.now()}`;
  const r = await call(gateway!.url(), { 'x-request-id': requestId });
  const traceId = expectMasked(r);
  expect(traceId).toBe(requestId);
  expect(expectLoggedUnder(subgraphLog.lines, traceId).err?.message).toBe(
    `registry rejected ${PERSON.name} ([redacted], phone [redacted])`,
  );
  // The gateway saw only the subgraph's masked error and masks it again under the same id.
  expect(expectLoggedUnder(gatewayLog.lines, traceId).err?.message).toBe('Internal server error');
  expectNoPersonalNumbersLogged();
});

it('without a client request id, the gateway mints the trace id and the subgraph logs under it', async () => {
  const r = await call(gateway!.url());
  const traceId = expectMasked(r);
  expect(traceId).toMatch(/^[0-9a-f-]{36}$/);
  expectLoggedUnder(subgraphLog.lines, traceId);
  expectLoggedUnder(gatewayLog.lines, traceId);
  expectNoPersonalNumbersLogged();
});
