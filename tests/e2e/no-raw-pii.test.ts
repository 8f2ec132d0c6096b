import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { TOPICS } from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { createTestNamespace, eventually, graphql, serviceTestEnv, tapTopics, testInfra, tokens, type KafkaTap } from '@creditbank/testing';
import { freePort, spawnService, type ServiceProcess } from '../support/process';

/**
 * No raw resident ID number, name or phone number in the account service's database, its logs (at
 * trace level) or its events, after a run through every path that handles them.
 */
const ns = createTestNamespace();
let account: ServiceProcess;
let idv: Server;
let tap: KafkaTap;

const people = [
  { idNumber: makeResidentId('330106', '1961-02-03', 415), name: '欧阳秀兰', phone: '13666778899' },
  { idNumber: makeResidentId('330110', '1993-12-24', 236), name: '司马建华', phone: '15877665544' },
  { idNumber: `${makeResidentId('330782', '1979-11-30', 999).slice(0, 17)}`, name: '诸葛明', phone: '18911223344' },
];

beforeAll(async () => {
  // The real-name service, as a real HTTP server the child process calls.
  idv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result: 'MATCH' }));
    });
  });
  await new Promise<void>((r) => idv.listen(0, '127.0.0.1', r));
  const env = serviceTestEnv(ns, 'account', {
    LOG_LEVEL: 'trace',
    IDV_BASE_URL: `http://127.0.0.1:${(idv.address() as AddressInfo).port}`,
  });
  account = await spawnService('account', env, await freePort());
  tap = await tapTopics([ns.topicPrefix + TOPICS.account]);
});

afterAll(async () => {
  await tap?.stop();
  await account?.kill('SIGTERM');
  idv?.close();
  await ns.cleanup();
});

it('keeps raw ID numbers, names and phones out of the database, the logs and the events', async () => {
  const url = `${account.baseUrl}/graphql`;
  const [a, b, c] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const opened = await graphql<{ openLearnerAccount: { initialPassword: string; learner: { accountNo: string } } }>(
    url,
    `
      mutation ($i: OpenLearnerAccountInput!) {
        openLearnerAccount(input: $i) {
          initialPassword
          learner {
            accountNo
          }
        }
      }
    `,
    { i: { idNumber: a.idNumber, name: a.name, phone: a.phone, adminDivision: '330106', agreementVersion: '2026-01' } },
    { token: tokens.operator('sn-pii') },
  );
  const accountNo = opened.data!.openLearnerAccount.learner.accountNo;
  const reg = await graphql(
    url,
    `
      mutation ($i: RegisterLearnerInput!) {
        registerLearnerOnline(input: $i) {
          accountNo
        }
      }
    `,
    {
      i: { idNumber: b.idNumber, name: b.name, phone: b.phone, password: 'village-2026', adminDivision: '330110' },
    },
  );
  expect(reg.errors).toBeUndefined();
  // Failing paths too: a bad check digit, a duplicate, a search, a profile change, logins.
  await graphql(
    url,
    `
      mutation ($i: RegisterLearnerInput!) {
        registerLearnerOnline(input: $i) {
          accountNo
        }
      }
    `,
    {
      i: { idNumber: `${c.idNumber}0`, name: c.name, phone: c.phone, password: 'village-2026', adminDivision: '330782' },
    },
  );
  await graphql(
    url,
    `
      mutation ($i: OpenLearnerAccountInput!) {
        openLearnerAccount(input: $i) {
          initialPassword
        }
      }
    `,
    { i: { idNumber: a.idNumber, name: a.name, adminDivision: '330106', agreementVersion: '1' } },
    { token: tokens.operator('sn-pii') },
  );
  await graphql(
    url,
    `
      query ($id: String!) {
        learnerByIdNumber(idNumber: $id) {
          accountNo
        }
      }
    `,
    { id: a.idNumber },
    { token: tokens.centerAdmin() },
  );
  await graphql(
    url,
    `
      mutation ($n: ID!) {
        updateLearnerProfile(accountNo: $n, input: { phone: "13000000001", householdId: "hh-9" }) {
          phoneMasked
        }
      }
    `,
    { n: accountNo },
    { token: tokens.learner(accountNo) },
  );
  await graphql(
    url,
    `
      mutation ($u: String!, $p: String!) {
        login(username: $u, password: $p) {
          token
        }
      }
    `,
    { u: b.phone, p: 'village-2026' },
  );
  await graphql(
    url,
    `
      mutation ($u: String!, $p: String!) {
        login(username: $u, password: $p) {
          token
        }
      }
    `,
    { u: accountNo, p: 'wrong-password-1' },
  );
  await eventually(() => expect(tap.messages.length).toBeGreaterThanOrEqual(3));

  const secrets = [...people.flatMap((p) => [p.idNumber, p.name, p.phone]), '13000000001', `${c.idNumber}0`];
  const mongo = await new MongoClient(testInfra().mongodbUri).connect();
  let stored = '';
  try {
    const db = mongo.db(ns.dbName('account'));
    for (const col of await db.listCollections().toArray()) stored += JSON.stringify(await db.collection(col.name).find({}).toArray());
  } finally {
    await mongo.close();
  }
  const logs = account.output();
  const events = tap.messages.map((m) => m.raw?.toString('utf8') ?? '').join('\n');
  expect(stored.length).toBeGreaterThan(1000);
  expect(logs.split('\n').length).toBeGreaterThan(20); // trace logging, an access line per operation
  for (const secret of secrets) {
    expect({ where: 'database', found: stored.includes(secret) }).toEqual({ where: 'database', found: false });
    expect({ where: 'logs', found: logs.includes(secret) }).toEqual({ where: 'logs', found: false });
    expect({ where: 'events', found: events.includes(secret) }).toEqual({ where: 'events', found: false });
  }
});
