import { makeResidentId, makeUscc } from '@creditbank/identity';
import { rootOperations } from '@creditbank/server';
import { graphql, tokens } from '@creditbank/testing';
import { typeDefs } from '../src/main';
import {
  IMPORT,
  INSTITUTION,
  OUTCOMES_OF,
  accountOpened,
  accredited,
  institution,
  item,
  standard,
  startOutcome,
  type OutcomeHarness,
} from './harness';

/**
 * Tenancy matrix of the outcome subgraph: for every operation, tokens of another province, of
 * another learner and of another institution get nothing and change nothing — also through
 * `_entities` sent straight to the subgraph.
 */
let h: OutcomeHarness;
let accountNo: string;
let outcomeId: string;
let pendingId: string;
let batchId: string;
let certId: string;
let otherLearner: string;
const id = makeResidentId('330106', '1972-02-22', 222);
const foreignInstitution = makeUscc('440106', 4040);

beforeAll(async () => {
  h = await startOutcome();
  const opened = accountOpened(h.hashOf(id));
  const other = accountOpened(h.hashOf(makeResidentId('330106', '1990-01-01', 11)));
  await h.feed([item('VSC-ELEC-G4'), standard(1), institution(), accredited(), opened, other]);
  accountNo = opened.event.data.accountNo;
  otherLearner = other.event.data.accountNo;
  const b = await h.gql<{ importOutcomes: { id: string } }>(
    IMPORT,
    {
      ref: 't-1',
      rows: [
        {
          externalRef: 't-1',
          idNumber: id,
          name: '赵敏',
          type: 'VOCATIONAL',
          catalogItemCode: 'VSC-ELEC-G4',
          title: '电工',
          achievedAt: '2026-01-01',
        },
      ],
    },
    tokens.institutionAdmin(INSTITUTION, '33'),
  );
  batchId = b.data!.importOutcomes.id;
  const r = await h.gql<{ _entities: Array<{ outcomes: { edges: Array<{ node: { id: string } }> } }> }>(
    OUTCOMES_OF,
    { r: [{ __typename: 'Learner', accountNo }] },
    tokens.learner(accountNo),
  );
  outcomeId = r.data!._entities[0]!.outcomes.edges[0]!.node.id;
  const p = await h.gql<{ depositOutcome: { id: string } }>(
    `mutation($n: ID!) { depositOutcome(input: { accountNo: $n, type: VOCATIONAL, catalogItemCode: "VSC-ELEC-G4", title: "自报", achievedAt: "2026-02-02", evidence: ["e"] }) { id } }`,
    { n: accountNo },
    tokens.learner(accountNo),
  );
  pendingId = p.data!.depositOutcome.id;
  const c = await h.gql<{ issueCertificate: { id: string } }>(
    `mutation($n: ID!) { issueCertificate(accountNo: $n) { id } }`,
    { n: accountNo },
    tokens.learner(accountNo),
  );
  certId = c.data!.issueCertificate.id;
});

afterAll(async () => {
  await h?.stop();
});

async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const c of ['outcomes', 'certificates', 'import_batches']) {
    out[c] = (await h.db
      .collection(c)
      .find({}, { projection: { _outbox: 0, _outboxCount: 0, _outboxWrite: 0 } })
      .sort({ _id: 1 })
      .toArray()) as unknown[];
  }
  return JSON.stringify(out);
}

type Case = {
  query: string;
  variables: () => Record<string, unknown>;
  nothing: (d: Record<string, unknown> | null | undefined) => boolean;
};
const nullOr = (field: string) => (d: Record<string, unknown> | null | undefined) => !d || d[field] === null || d[field] === undefined;
const emptyConnection = (field: string) => (d: Record<string, unknown> | null | undefined) =>
  !d || (d[field] as { totalCount: number } | null)?.totalCount === 0;

const CASES: Record<string, Case> = {
  'Query.outcome': {
    query: `query($id: ID!) { outcome(id: $id) { id title } }`,
    variables: () => ({ id: outcomeId }),
    nothing: nullOr('outcome'),
  },
  'Query.outcomesForReview': {
    query: `{ outcomesForReview { totalCount edges { node { id } } } }`,
    variables: () => ({}),
    nothing: emptyConnection('outcomesForReview'),
  },
  'Query.importBatch': {
    query: `query($id: ID!) { importBatch(id: $id) { id } }`,
    variables: () => ({ id: batchId }),
    nothing: nullOr('importBatch'),
  },
  // Public by design: verification by code shows the masked name and outcomes to anyone holding the code.
  'Query.verifyCertificate': {
    query: `{ verifyCertificate(code: "ZZZZ-ZZZZ-ZZZZ") { status } }`,
    variables: () => ({}),
    nothing: (d) => (d?.['verifyCertificate'] as { status: string }).status === 'UNKNOWN',
  },
  'Mutation.importOutcomes': {
    query: `mutation($rows: [OutcomeRowInput!]!) { importOutcomes(batchRef: "intrude", rows: $rows) { id } }`,
    variables: () => ({
      rows: [
        {
          externalRef: 'x-1',
          idNumber: id,
          name: 'x',
          type: 'VOCATIONAL',
          catalogItemCode: 'VSC-ELEC-G4',
          title: 'x',
          achievedAt: '2026-01-01',
        },
      ],
    }),
    nothing: nullOr('importOutcomes'),
  },
  'Mutation.depositOutcome': {
    query: `mutation($n: ID!) { depositOutcome(input: { accountNo: $n, type: VOCATIONAL, catalogItemCode: "VSC-ELEC-G4", title: "x", achievedAt: "2026-01-01", evidence: ["x"] }) { id } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullOr('depositOutcome'),
  },
  'Mutation.reviewOutcome': {
    query: `mutation($id: ID!) { reviewOutcome(id: $id, decision: REJECT, note: "x") { status } }`,
    variables: () => ({ id: pendingId }),
    nothing: nullOr('reviewOutcome'),
  },
  'Mutation.revokeOutcome': {
    query: `mutation($id: ID!) { revokeOutcome(id: $id, reason: "x") { status } }`,
    variables: () => ({ id: outcomeId }),
    nothing: nullOr('revokeOutcome'),
  },
  'Mutation.issueCertificate': {
    query: `mutation($n: ID!) { issueCertificate(accountNo: $n) { id } }`,
    variables: () => ({ n: accountNo }),
    nothing: nullOr('issueCertificate'),
  },
  'Mutation.revokeCertificate': {
    query: `mutation($id: ID!) { revokeCertificate(id: $id, reason: "x") { id } }`,
    variables: () => ({ id: certId }),
    nothing: nullOr('revokeCertificate'),
  },
};

it('covers every operation of the schema', () => {
  expect(Object.keys(CASES).sort()).toEqual(rootOperations(typeDefs).sort());
});

const strangers: Record<string, () => string> = {
  'centre admin of 44': () => tokens.centerAdmin('44'),
  'operator of 44': () => tokens.operator('sn-gd', '44'),
  'expert of 44': () => tokens.expert('44'),
  'another learner': () => tokens.learner(otherLearner),
  'another institution': () => tokens.institutionAdmin(foreignInstitution, '44'),
  'analyst of 33': () => tokens.analyst('33'),
};

describe.each(Object.entries(strangers))('%s', (_who, token) => {
  it.each(Object.keys(CASES))('%s gives nothing and changes nothing', async (op) => {
    const c = CASES[op]!;
    const before = await snapshot();
    const r = await h.gql(c.query, c.variables(), token());
    expect(c.nothing(r.data as Record<string, unknown> | null)).toBe(true);
    expect(JSON.stringify(r)).not.toContain(outcomeId);
    expect(await snapshot()).toBe(before);
  });

  it('gets nothing through _entities', async () => {
    const r = await graphql<{ _entities: Array<Record<string, unknown> | null> }>(
      h.url,
      `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on LearningOutcome {
              id
              title
            }
            ... on Learner {
              outcomes {
                totalCount
              }
              archive {
                year
              }
              certificates {
                id
              }
            }
            ... on Institution {
              depositedOutcomes {
                totalCount
              }
            }
          }
        }
      `,
      {
        r: [
          { __typename: 'LearningOutcome', id: outcomeId },
          { __typename: 'Learner', accountNo },
          { __typename: 'Institution', code: INSTITUTION },
        ],
      },
      { token: token() },
    );
    expect(r.data?._entities).toEqual([
      null,
      { outcomes: { totalCount: 0 }, archive: [], certificates: [] },
      { depositedOutcomes: { totalCount: 0 } },
    ]);
  });
});

it('the learner, the institution and the province’s staff do see them', async () => {
  const q = `query($id: ID!) { outcome(id: $id) { id } }`;
  for (const token of [
    tokens.learner(accountNo),
    tokens.institutionAdmin(INSTITUTION, '33'),
    tokens.centerAdmin('33'),
    tokens.operator('sn-1'),
    tokens.platformAdmin('11'),
  ]) {
    expect((await h.gql<{ outcome: { id: string } }>(q, { id: outcomeId }, token)).data?.outcome?.id).toBe(outcomeId);
  }
});
