import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { makeResidentId } from '@creditbank/identity';
import { tokens } from '@creditbank/testing';
import { importOutcomesCsv, type ImportOptions } from '@creditbank/cli/import';
import {
  INSTITUTION,
  accountOpened,
  accredited,
  institution,
  item,
  standard,
  startOutcome,
  type OutcomeHarness,
} from '../../services/outcome/test/harness';

/** `creditbank import` against a running outcome service: encodings, broken lines, resume, report. */
let h: OutcomeHarness;
const dir = mkdtempSync(join(tmpdir(), 'creditbank-import-'));
const HEADER = 'externalRef,idNumber,name,type,catalogItemCode,title,hours,score,achievedAt,certificateNo';

beforeAll(async () => {
  h = await startOutcome();
  await h.feed([
    item('VSC-ELEC-G4'),
    item('CE-TEA-101', { type: 'NON_ACADEMIC', subtype: 'COMMUNITY_EDUCATION', level: null, track: null, hours: 36 }),
    standard(1),
    institution(),
    accredited(),
  ]);
});

afterAll(async () => {
  await h?.stop();
});

const options = (file: string, overrides: Partial<ImportOptions> = {}): ImportOptions => ({
  url: h.url,
  token: tokens.institutionAdmin(INSTITUTION, '33'),
  batchSize: 3,
  encoding: 'utf8',
  resume: true,
  reportFile: `${file}.rejected.csv`,
  stateFile: `${file}.state.json`,
  ...overrides,
});

let n = 0;
const line = (overrides: Partial<Record<string, string>> = {}) => {
  const i = n++;
  const r = {
    externalRef: `csv-${i}`,
    idNumber: makeResidentId('330106', `19${60 + (i % 30)}-01-0${(i % 9) + 1}`, i % 1000),
    name: '林小梅',
    type: 'NON_ACADEMIC',
    catalogItemCode: 'CE-TEA-101',
    title: '"茶艺, 入门"',
    hours: '36',
    score: '',
    achievedAt: '2026-05-05',
    certificateNo: '',
    ...overrides,
  };
  return Object.values(r).join(',');
};

it('imports a UTF-8 file with a BOM, reporting bad rows and broken lines, in batches', async () => {
  const file = join(dir, 'utf8.csv');
  const rows = [
    line(),
    line(),
    line({ idNumber: '330106196001010000' }),
    line(),
    line({ hours: 'abc' }),
    'broken,line,with,too,few,columns',
    line(),
    line(),
  ];
  writeFileSync(file, `\uFEFF${HEADER}\n${rows.join('\n')}\n`);
  const summary = await importOutcomesCsv(file, options(file));
  expect(summary).toMatchObject({ accepted: 5, rejected: 2, duplicates: 0 });
  expect(summary.unreadable).toBeGreaterThanOrEqual(1);
  const report = readFileSync(`${file}.rejected.csv`, 'utf8');
  expect(report).toMatch(/^\uFEFFline,externalRef,field,code,message/);
  expect(report).toMatch(/,"idNumber",INVALID_CHECK_DIGIT,/);
  expect(report).toMatch(/,"hours",INVALID_TYPE,/);
  expect(report).toMatch(/UNREADABLE_LINE/);
  expect(report).not.toContain('330106196001010000');
  expect(await h.db.collection('outcomes').countDocuments({ externalRef: /^csv-/ })).toBe(5);
  expect((await h.db.collection('outcomes').findOne({ externalRef: 'csv-0' }))?.['title']).toBe('茶艺, 入门');
});

it('reads GB18030 on request', async () => {
  const file = join(dir, 'gb18030.csv');
  writeFileSync(file, iconv.encode(`${HEADER}\n${[line({ title: '养老护理（初级）' }), line()].join('\n')}\n`, 'gb18030'));
  const summary = await importOutcomesCsv(file, options(file, { encoding: 'gb18030' }));
  expect(summary.accepted).toBe(2);
  expect(await h.db.collection('outcomes').countDocuments({ title: '养老护理（初级）' })).toBe(1);
});

it('resumes after an interruption, and a re-run only finds duplicates', async () => {
  const file = join(dir, 'resume.csv');
  writeFileSync(file, `${HEADER}\n${Array.from({ length: 9 }, () => line()).join('\n')}\n`);
  // Interrupted after the first batch of 3 (simulated by its state file).
  const first = await importOutcomesCsv(file, options(file, { batchSize: 3 }));
  expect(first).toMatchObject({ accepted: 9, batches: 3 });
  const state = JSON.parse(readFileSync(`${file}.state.json`, 'utf8')) as {
    fingerprint: string;
    done: number;
    summary: { accepted: number };
  };
  writeFileSync(
    `${file}.state.json`,
    JSON.stringify({ ...state, done: 1, summary: { ...state.summary, accepted: 3, batches: 1, rows: 3 } }),
  );
  const resumed = await importOutcomesCsv(file, options(file, { batchSize: 3 }));
  expect(resumed).toMatchObject({ skippedBatches: 1, batches: 3 });
  expect(resumed.duplicates).toBe(6); // batches 2 and 3 were already stored: nothing changes
  const again = await importOutcomesCsv(file, options(file, { batchSize: 3, resume: false }));
  expect(again).toMatchObject({ accepted: 0, duplicates: 9 });
  expect(
    await h.db.collection('outcomes').countDocuments({ externalRef: { $in: Array.from({ length: 9 }, (_, i) => `csv-${n - 9 + i}`) } }),
  ).toBe(9);
});

it('keeps several batches in flight and applies their results in file order', async () => {
  const file = join(dir, 'in-flight.csv');
  const bad = new Set([1, 6, 9]); // rows whose ID number fails its check digit
  const rows = Array.from({ length: 11 }, (_, i) => (bad.has(i) ? line({ idNumber: '330106196001010000' }) : line()));
  writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
  // In front of the service: counts the requests in flight (each held 100 ms so they can overlap).
  let current = 0;
  let most = 0;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      most = Math.max(most, ++current);
      void (async () => {
        await new Promise((r) => setTimeout(r, 100));
        const upstream = await fetch(h.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
          body: Buffer.concat(chunks),
        });
        current--;
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      })().catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const summary = await importOutcomesCsv(
    file,
    options(file, { batchSize: 2, concurrency: 3, url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql` }),
  ).finally(() => proxy.close());
  expect(most).toBe(3);
  expect(summary).toMatchObject({ batches: 6, rows: 11, accepted: 8, rejected: 3, duplicates: 0 });
  // The report names the file's lines (the header is line 1), in order.
  const reported = readFileSync(`${file}.rejected.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[0]));
  expect(reported).toEqual([3, 8, 11]);
  expect(JSON.parse(readFileSync(`${file}.state.json`, 'utf8'))).toMatchObject({ done: 6, summary: { accepted: 8 } });
});

it('stops with a clear error when the token is not an institution admin', async () => {
  const file = join(dir, 'denied.csv');
  writeFileSync(file, `${HEADER}\n${line()}\n`);
  await expect(importOutcomesCsv(file, options(file, { token: tokens.learner('330000000011'), resume: false }))).rejects.toThrow(
    /Not allowed for your role/,
  );
});

it('keeps learners unknown to the platform (unclaimed) and names them only by hash', async () => {
  const opened = accountOpened(h.hashOf(makeResidentId('330106', '1999-09-09', 9)));
  await h.feed([opened]);
  expect(await h.db.collection('outcomes').countDocuments({ status: 'UNCLAIMED' })).toBeGreaterThan(0);
});
