import { ImportBatchCompleted, OutcomeDeposited, OutcomeRecognized } from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { makeAccountNo } from '@creditbank/kernel';
import { eventually, tokens } from '@creditbank/testing';
import { createConnection } from 'mongoose';
import { createBulkOutbox, createOutboxSignal } from '@creditbank/events';
import { createImportBatchRepository } from '../src/persistence/batch-and-certificate.repository';
import { createOutcomeRepository } from '../src/persistence/outcome.repository';
import { createProjectionRepository } from '../src/persistence/projection.repository';
import { systemContext } from '../src/use-cases/access';
import { claimOutcomes } from '../src/use-cases/claim-outcomes.use-case';
import { importOutcomes } from '../src/use-cases/import-outcomes.use-case';
import {
  IMPORT,
  INSTITUTION,
  OTHER_INSTITUTION,
  accountOpened,
  accredited,
  institution,
  item,
  standard,
  startOutcome,
  type OutcomeHarness,
} from './harness';

let h: OutcomeHarness;
const admin = () => tokens.institutionAdmin(INSTITUTION, '33');
let seq = 1;
const person = () => {
  const n = seq++;
  return makeResidentId('330106', `19${50 + (n % 40)}-0${(n % 9) + 1}-1${n % 10}`, n % 1000);
};

const row = (overrides: Record<string, unknown> = {}) => ({
  externalRef: `ref-${seq}-${Math.random().toString(36).slice(2, 8)}`,
  idNumber: person(),
  name: '王秀英',
  type: 'VOCATIONAL',
  catalogItemCode: 'VSC-ELEC-G4',
  title: '电工（四级）职业技能等级证书',
  hours: 300,
  score: 88,
  achievedAt: '2026-06-30',
  certificateNo: 'ZJ2026-0001',
  ...overrides,
});

type Batch = {
  id: string;
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ row: number; field: string; code: string; message: string }>;
};

beforeAll(async () => {
  h = await startOutcome();
  await h.feed([
    item('VSC-ELEC-G4'),
    item('VSC-COOK-G5', { level: 1 }),
    item('CE-TEA-101', { type: 'NON_ACADEMIC', subtype: 'COMMUNITY_EDUCATION', level: null, track: null, hours: 36, standardCredits: 2 }),
    item('ACAD-MATH-101', { type: 'ACADEMIC', subtype: 'ACADEMIC_COURSE', level: null, track: null }),
    item('VSC-OLD-G5', { level: 1 }),
    standard(1),
    institution(),
    institution(OTHER_INSTITUTION, '未获资质的培训学校'),
    accredited(),
  ]);
  // Retire one item: rows naming it are refused.
  const { CatalogItemRetired, createEvent } = await import('@creditbank/contracts');
  await h.feed([
    createEvent(
      CatalogItemRetired,
      {
        code: 'VSC-OLD-G5',
        version: 1,
        scope: 'NATIONAL',
        province: null,
        reason: '停止认定',
        retiredAt: new Date().toISOString(),
        retiredBy: 'seed',
      },
      { province: '10', source: '/creditbank/standards' },
    ),
  ]);
});

afterAll(async () => {
  await h?.stop();
});

async function importRows(rows: unknown[], ref = `b-${Math.random().toString(36).slice(2)}`, token = admin()) {
  return h.gql<{ importOutcomes: Batch }>(IMPORT, { ref, rows }, token);
}

it('recognises rows of learners with an account, keeps the others unclaimed, and publishes the events', async () => {
  const known = person();
  const opened = accountOpened(h.hashOf(known));
  await h.feed([opened]);
  const rows = [row({ idNumber: known }), row({ idNumber: known, catalogItemCode: 'CE-TEA-101', type: 'NON_ACADEMIC', hours: 40 }), row()];
  const r = await importRows(rows);
  expect(r.errors).toBeUndefined();
  expect(r.data!.importOutcomes).toMatchObject({ rows: 3, accepted: 3, duplicates: 0, rejected: 0, errors: [] });
  const docs = await h.db.collection('outcomes').find({ batchId: r.data!.importOutcomes.id }).toArray();
  const byRef = new Map(docs.map((d) => [d['externalRef'], d]));
  expect(byRef.get(rows[0]!.externalRef)).toMatchObject({
    status: 'RECOGNIZED',
    accountNo: opened.event.data.accountNo,
    recognition: { credits: 6, points: 600, creditStandardVersion: 1, catalogItemVersion: 1 },
  });
  // 40 h at 18 h per credit, rounded down to 0.5: 2 credits.
  expect(byRef.get(rows[1]!.externalRef)).toMatchObject({ status: 'RECOGNIZED', recognition: { credits: 2 } });
  expect(byRef.get(rows[2]!.externalRef)).toMatchObject({ status: 'UNCLAIMED', accountNo: null });
  // No raw ID numbers or names stored.
  expect(JSON.stringify(docs)).not.toContain(known);
  expect(JSON.stringify(docs)).not.toContain('王秀英');
  await eventually(() => {
    expect(
      h.tap.events(OutcomeDeposited.type).filter((e) => (e.data as { batchId: string }).batchId === r.data!.importOutcomes.id),
    ).toHaveLength(3);
    expect(
      h.tap.events(OutcomeRecognized.type).filter((e) => (e.data as { accountNo: string }).accountNo === opened.event.data.accountNo),
    ).toHaveLength(2);
    expect(h.tap.events(ImportBatchCompleted.type).some((e) => (e.data as { batchId: string }).batchId === r.data!.importOutcomes.id)).toBe(
      true,
    );
  });
  // Unclaimed rows are keyed by the ID hash, claimed ones by the account number.
  const unclaimed = h.tap.messages.find(
    (m) => m.event?.type === OutcomeDeposited.type && (m.event.data as { status: string }).status === 'UNCLAIMED',
  );
  expect(unclaimed?.key).toMatch(/^[0-9a-f]{64}$/);
});

it('publishes a large import through the bulk outbox: every event once, the duplicates of a re-send none, nothing left behind', async () => {
  const known = Array.from({ length: 40 }, () => person());
  await h.feed(known.map((id) => accountOpened(h.hashOf(id))));
  // 120 rows (the bulk outbox takes 50 or more): 40 of people with an account, 80 unclaimed.
  const rows = Array.from({ length: 120 }, (_, i) => row({ idNumber: i < 40 ? known[i] : person() }));
  const first = await importRows(rows);
  expect(first.data!.importOutcomes).toMatchObject({ rows: 120, accepted: 120, duplicates: 0, rejected: 0 });
  const batchId = first.data!.importOutcomes.id;
  const ofBatch = (type: string, id: string) => h.tap.events(type).filter((e) => (e.data as { batchId?: string }).batchId === id);
  await eventually(() => {
    expect(ofBatch(OutcomeDeposited.type, batchId)).toHaveLength(120);
    expect(h.tap.events(ImportBatchCompleted.type).filter((e) => (e.data as { batchId: string }).batchId === batchId)).toHaveLength(1);
  });
  expect(new Set(ofBatch(OutcomeDeposited.type, batchId).map((e) => e.id)).size).toBe(120);
  const docs = await h.db.collection('outcomes').find({ batchId }).toArray();
  expect(docs.filter((d) => d['status'] === 'RECOGNIZED')).toHaveLength(40);
  expect(docs.every((d) => typeof d['_bulkWrite'] === 'string' && !d['_outboxCount'])).toBe(true);
  await eventually(async () => {
    expect(await h.db.collection('outbox_bulk_heads').countDocuments()).toBe(0);
    expect(await h.db.collection('outbox_bulk_chunks').countDocuments()).toBe(0);
  });
  // Each recognised row's deposit comes before its recognition on the learner's key.
  const recognised = h.tap.messages.filter(
    (m) =>
      m.event?.type === OutcomeRecognized.type && docs.some((d) => String(d['_id']) === (m.event!.data as { outcomeId: string }).outcomeId),
  );
  expect(recognised).toHaveLength(40);
  for (const m of recognised) {
    const id = (m.event!.data as { outcomeId: string }).outcomeId;
    const deposited = h.tap.messages.findIndex(
      (d) => d.event?.type === OutcomeDeposited.type && (d.event.data as { outcomeId: string }).outcomeId === id,
    );
    expect(deposited).toBeGreaterThanOrEqual(0);
    expect(deposited).toBeLessThan(h.tap.messages.indexOf(m));
  }
  // The same file again: all duplicates, and no outcome event a second time.
  const again = await importRows(rows);
  expect(again.data!.importOutcomes).toMatchObject({ rows: 120, accepted: 0, duplicates: 120, rejected: 0 });
  await eventually(() =>
    expect(
      h.tap.events(ImportBatchCompleted.type).filter((e) => (e.data as { batchId: string }).batchId === again.data!.importOutcomes.id),
    ).toHaveLength(1),
  );
  expect(ofBatch(OutcomeDeposited.type, again.data!.importOutcomes.id)).toHaveLength(0);
  expect(ofBatch(OutcomeDeposited.type, batchId)).toHaveLength(120);
});

it('reports every bad row with row number, field and code, and accepts the good ones', async () => {
  const valid = person();
  const wrongCheckDigit = valid.slice(0, 17) + (valid[17] === '1' ? '2' : '1');
  const rows = [
    row(),
    row({ idNumber: wrongCheckDigit }),
    row({ achievedAt: '2030-01-01' }),
    row({ type: 'ACADEMIC' }), // the item is VOCATIONAL
    row({ catalogItemCode: 'NO-SUCH-ITEM' }),
    row({ catalogItemCode: 'VSC-OLD-G5' }), // retired
    row({ catalogItemCode: 'ACAD-MATH-101', type: 'ACADEMIC' }), // not accredited for ACADEMIC
    row({ externalRef: 'dup-in-batch' }),
    row({ externalRef: 'dup-in-batch' }),
    row({ title: '' }),
  ];
  const r = await importRows(rows);
  expect(r.errors).toBeUndefined();
  const b = r.data!.importOutcomes;
  const codes = b.errors.map((e) => `${e.row}:${e.field}:${e.code}`);
  expect(b).toMatchObject({ rows: 10, accepted: 2, rejected: 8 });
  expect(codes).toEqual([
    '2:idNumber:INVALID_CHECK_DIGIT',
    '3:achievedAt:INVALID_DATE',
    '4:type:TYPE_MISMATCH',
    '5:catalogItemCode:UNKNOWN_CATALOG_ITEM',
    '6:catalogItemCode:UNKNOWN_CATALOG_ITEM',
    '7:type:UNACCREDITED_TYPE',
    '9:externalRef:DUPLICATE_IN_BATCH',
    '10:title:INVALID_LENGTH',
  ]);
  expect(JSON.stringify(b.errors)).not.toContain(wrongCheckDigit);
});

it('refuses a call whose rows do not fit the input type as a whole, without echoing any value', async () => {
  const bad = { ...row(), unexpected: 'x' };
  const r = await importRows([row(), bad]);
  expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(r.errors?.[0]?.message).toBe(
    'Variable "$rows" got an invalid value at "rows[1]"; Field "unexpected" is not defined by type "OutcomeRowInput".',
  );
  expect(JSON.stringify(r)).not.toContain(bad.idNumber);
});

it('is idempotent by externalRef: a re-sent batch adds nothing, a changed row is a CONFLICT', async () => {
  const rows = [row(), row(), row()];
  const first = await importRows(rows, 'same-ref');
  expect(first.data!.importOutcomes).toMatchObject({ accepted: 3 });
  const before = await h.db.collection('outcomes').countDocuments();
  const again = await importRows(rows, 'same-ref');
  expect(again.data!.importOutcomes).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0 });
  const changed = await importRows([{ ...rows[0], score: 42 }, rows[1]]);
  expect(changed.data!.importOutcomes).toMatchObject({
    accepted: 0,
    duplicates: 1,
    rejected: 1,
    errors: [{ row: 1, field: 'externalRef', code: 'CONFLICT' }],
  });
  expect(await h.db.collection('outcomes').countDocuments()).toBe(before);
});

it('refuses 5,001 rows as a whole with a clear message, storing nothing', async () => {
  const before = await h.db.collection('outcomes').countDocuments();
  const rows = Array.from({ length: 5001 }, (_, i) => row({ externalRef: `big-${i}` }));
  const r = await importRows(rows);
  expect(r.errors?.[0]).toMatchObject({
    message: expect.stringMatching(/At most 5000 rows per call \(got 5001\)/) as string,
    extensions: { code: 'BAD_USER_INPUT', field: 'rows' },
  });
  expect(await h.db.collection('outcomes').countDocuments()).toBe(before);
});

it('lets only accredited institutions import, for their own institution', async () => {
  const unaccredited = await importRows([row()], 'x', tokens.institutionAdmin(OTHER_INSTITUTION, '33'));
  expect(unaccredited.errors?.[0]).toMatchObject({
    message: expect.stringMatching(/not accredited/) as string,
    extensions: { code: 'FORBIDDEN' },
  });
  const operator = await importRows([row()], 'x', tokens.operator('sn-1'));
  expect(operator.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  const suspended = accredited(INSTITUTION, { bulkDeposit: false, accreditedAt: new Date().toISOString() });
  await h.feed([suspended]);
  const noBulk = await importRows([row()]);
  expect(noBulk.errors?.[0]).toMatchObject({ message: expect.stringMatching(/bulk/) as string, extensions: { code: 'FORBIDDEN' } });
  await h.feed([accredited(INSTITUTION, { accreditedAt: new Date(Date.now() + 1000).toISOString() })]);
  expect((await importRows([row()])).data!.importOutcomes.accepted).toBe(1);
});

it('reports the batch to the institution and the centre, not to others', async () => {
  const r = await importRows([row(), row({ idNumber: '1' })]);
  const id = r.data!.importOutcomes.id;
  const q = `query($id: ID!) { importBatch(id: $id) { id accepted rejected errors { row field code } } }`;
  expect((await h.gql<{ importBatch: Batch }>(q, { id }, admin())).data?.importBatch).toMatchObject({ accepted: 1, rejected: 1 });
  expect((await h.gql<{ importBatch: Batch }>(q, { id }, tokens.centerAdmin('33'))).data?.importBatch?.id).toBe(id);
  expect((await h.gql<{ importBatch: unknown }>(q, { id }, tokens.institutionAdmin(OTHER_INSTITUTION, '33'))).data?.importBatch).toBeNull();
  expect((await h.gql<{ importBatch: unknown }>(q, { id }, tokens.centerAdmin('44'))).data?.importBatch).toBeNull();
});

/** The use cases' repositories on a connection of the test's own, to run a use case directly. */
async function withRepositories<T>(
  fn: (r: {
    outcomes: ReturnType<typeof createOutcomeRepository>;
    batches: ReturnType<typeof createImportBatchRepository>;
    projections: ReturnType<typeof createProjectionRepository>;
    idHashKey: string;
  }) => Promise<T>,
): Promise<T> {
  const connection = await createConnection(h.env['MONGODB_URI']!, { dbName: h.env['MONGODB_DB']! }).asPromise();
  try {
    const signal = createOutboxSignal();
    return await fn({
      outcomes: createOutcomeRepository(
        connection,
        signal,
        createBulkOutbox({ collection: (name) => connection.collection(name) as never, signal }),
      ),
      batches: createImportBatchRepository(connection, signal),
      projections: createProjectionRepository(connection),
      idHashKey: h.env['ID_HASH_KEY']!,
    });
  } finally {
    await connection.close();
  }
}

const ADMIN = { kind: 'user', sub: 'admin-1', role: 'INSTITUTION_ADMIN', province: '33', inst: INSTITUTION } as const;

/** A community-education row: 36 h → 2 credits; at most 5 NON_ACADEMIC credits a year. */
const teaRow = (idNumber: string, achievedAt: string) =>
  row({
    idNumber,
    type: 'NON_ACADEMIC',
    catalogItemCode: 'CE-TEA-101',
    title: '茶艺',
    hours: 36,
    achievedAt,
    score: null,
    certificateNo: null,
  });

it('claims rows of a person whose account was opened while the import ran (the import re-reads links after storing)', async () => {
  // The race: the import reads the links (none yet), the account opens and its handler finds no
  // UNCLAIMED outcome, then the import stores the rows as UNCLAIMED. Reproduced deterministically by
  // running the use-case with a projection store whose first link lookup answers from "before".
  await withRepositories(async (repositories) => {
    const idNumber = person();
    const opened = accountOpened(h.hashOf(idNumber));
    await h.feed([opened]); // the handler runs now and finds nothing to claim
    let lookups = 0;
    const { projections } = repositories;
    const deps = {
      ...repositories,
      projections: {
        ...projections,
        linksByIdHash: async (hashes: string[]) => (lookups++ === 0 ? [] : projections.linksByIdHash(hashes)),
      },
    };
    const r = row({ idNumber });
    const batch = await importOutcomes(deps, { caller: ADMIN, requestId: 'race-test', now: new Date() }, 'race', [r]);
    expect(batch).toMatchObject({ accepted: 1, rejected: 0 });
    expect(lookups).toBe(2);
    const doc = await h.db.collection('outcomes').findOne({ externalRef: r.externalRef });
    expect(doc).toMatchObject({ status: 'RECOGNIZED', accountNo: opened.event.data.accountNo });
  });
});

it('keeps the annual cap when two imports for the same learner run at once: the second decides again', async () => {
  // Both imports read the learner's credit tally before either writes (held at a barrier): each
  // alone fits under the cap (5 NON_ACADEMIC credits a year, 2 a row), together they would not.
  await withRepositories(async (repositories) => {
    const idNumber = person();
    const opened = accountOpened(h.hashOf(idNumber));
    await h.feed([opened]);
    const store = repositories.outcomes;
    let reads = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    const deps = {
      ...repositories,
      outcomes: {
        ...store,
        creditTallies: async (...args: Parameters<typeof store.creditTallies>) => {
          const read = await store.creditTallies(...args);
          if (++reads <= 2) {
            if (reads === 2) bothRead();
            await barrier;
          }
          return read;
        },
      },
    };
    const run = (ref: string) =>
      importOutcomes(deps, { caller: ADMIN, requestId: ref, now: new Date() }, ref, [
        teaRow(idNumber, '2026-03-01'),
        teaRow(idNumber, '2026-03-02'),
      ]);
    const batches = await Promise.all([run('cap-race-1'), run('cap-race-2')]);
    expect(batches.map((b) => b.accepted)).toEqual([2, 2]);
    expect(reads).toBe(3); // the second writer read its learner's tally once more
    const stored = await h.db.collection('outcomes').find({ accountNo: opened.event.data.accountNo }).toArray();
    const credits = stored
      .filter((o) => o['status'] === 'RECOGNIZED')
      .map((o) => (o['recognition'] as { credits: number }).credits)
      .sort();
    expect(credits).toEqual([0, 1, 2, 2]); // 5 in all; without the reservation 8
    const tally = await h.db
      .collection<{ _id: string; entries: Record<string, string> }>('credit_tallies')
      .findOne({ _id: opened.event.data.accountNo });
    expect(Object.keys(tally?.entries ?? {})).toHaveLength(4);
  });
});

it('claims once when the same account opening is handled twice at once, and the tally keeps the credits', async () => {
  await withRepositories(async (deps) => {
    const idNumber = person();
    expect((await importRows([teaRow(idNumber, '2026-03-01'), teaRow(idNumber, '2026-03-02')])).data?.importOutcomes.accepted).toBe(2);
    // The link as the account-opened handler would pass it (not stored: no other claim runs).
    const link = {
      idHash: h.hashOf(idNumber),
      accountNo: makeAccountNo('33', 990_001),
      province: '33',
      status: 'ACTIVE',
      nameMasked: null,
    } as const;
    const ctx = systemContext('33', 'claim-twice');
    const claimed = await Promise.all([claimOutcomes(deps, link, ctx), claimOutcomes(deps, link, ctx)]);
    expect(claimed[0] + claimed[1]).toBe(2);
    const stored = await h.db.collection('outcomes').find({ accountNo: link.accountNo }).toArray();
    expect(stored.map((o) => [o['status'], (o['recognition'] as { credits: number }).credits])).toEqual([
      ['RECOGNIZED', 2],
      ['RECOGNIZED', 2],
    ]);
    const tally = await h.db
      .collection<{ _id: string; entries: Record<string, string> }>('credit_tallies')
      .findOne({ _id: link.accountNo });
    expect(Object.keys(tally?.entries ?? {}).sort()).toEqual(stored.map((o) => `${o['_id']}`).sort());
  });
});
