import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, type CsvError } from 'csv-parse';
import iconv from 'iconv-lite';

/**
 * `creditbank import outcomes.csv`: stream a CSV of any size (columns = the import data standard's
 * fields), send it to `importOutcomes` in batches, show progress, resume after an interruption, and
 * write a report of the rejected rows. Re-sending a batch is harmless: the platform reports rows it
 * already has as duplicates (idempotent by institution + externalRef).
 */
export interface ImportOptions {
  url: string;
  token: string;
  batchSize: number;
  /**
   * Batches in flight at once (1–4, default 2): the platform validates and decides one batch while
   * the database stores the one before. Results are applied in file order, so the report and the
   * resume point are the same as one at a time.
   */
  concurrency?: number;
  encoding: 'utf8' | 'gb18030';
  resume: boolean;
  reportFile: string;
  stateFile: string;
  /** Progress callback (bytes read, rows sent, rows/s). */
  onProgress?: (p: { bytes: number; totalBytes: number; rows: number }) => void;
}

export interface ImportSummary {
  batches: number;
  skippedBatches: number;
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  unreadable: number;
}

interface RowError {
  row: number;
  field: string | null;
  code: string;
  message: string;
}

interface BatchResult {
  id: string;
  status: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: RowError[];
}

const NUMERIC = new Set(['hours', 'credits', 'score']);
const COLUMNS = [
  'externalRef',
  'idNumber',
  'name',
  'type',
  'catalogItemCode',
  'title',
  'hours',
  'credits',
  'score',
  'achievedAt',
  'certificateNo',
];
const MUTATION = `mutation Import($batchRef: String!, $rows: [OutcomeRowInput!]!) {
  importOutcomes(batchRef: $batchRef, rows: $rows) { id status accepted duplicates rejected errors { row field code message } }
}`;

/** Identifies the file (size, modification time, first 64 KiB) so a resume never mixes two files. */
function fingerprint(file: string): string {
  const st = statSync(file);
  const head = Buffer.alloc(Math.min(65_536, st.size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return createHash('sha256').update(`${st.size}:${st.mtimeMs}:`).update(head).digest('hex').slice(0, 12);
}

/**
 * CSV text → an import row: known columns only, numbers parsed, empty cells left out. A cell that is
 * not a number where one is required is reported here (the whole GraphQL call would fail otherwise).
 */
export function toRow(record: Record<string, string>): {
  row: Record<string, unknown>;
  problems: Array<{ field: string; message: string }>;
} {
  const row: Record<string, unknown> = {};
  const problems: Array<{ field: string; message: string }> = [];
  for (const column of COLUMNS) {
    const raw = record[column];
    if (raw === undefined || raw === '') continue;
    if (NUMERIC.has(column)) {
      const n = Number(raw);
      if (Number.isFinite(n)) row[column] = n;
      else problems.push({ field: column, message: `${column} must be a number` });
    } else {
      row[column] = raw;
    }
  }
  return { row, problems };
}

async function send(options: ImportOptions, batchRef: string, rows: Record<string, unknown>[]): Promise<BatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ query: MUTATION, variables: { batchRef, rows } }),
        signal: AbortSignal.timeout(300_000),
      });
      const body = (await res.json()) as {
        data?: { importOutcomes: BatchResult } | null;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      if (body.errors?.length) {
        const code = body.errors[0]!.extensions?.code;
        const error = new Error(`batch ${batchRef}: ${body.errors.map((e) => e.message).join('; ')}`) as Error & { permanent?: boolean };
        // CONFLICT for a whole batch: other imports for the same learners kept changing their credit
        // totals while this one was decided (row conflicts come back as row errors, not here).
        error.permanent =
          !['INTERNAL_SERVER_ERROR', 'SERVICE_TIMEOUT', 'SERVICE_UNAVAILABLE', 'CONFLICT'].includes(code ?? '') && res.status < 500;
        throw error;
      }
      return body.data!.importOutcomes;
    } catch (error) {
      if ((error as { permanent?: boolean }).permanent || attempt >= 5) throw error;
      await sleep(500 * 2 ** attempt); // re-sending is safe: rows already stored come back as duplicates
    }
  }
}

export async function importOutcomesCsv(file: string, options: ImportOptions): Promise<ImportSummary> {
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 5000)
    throw new Error('batch size must be 1 to 5000');
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4) throw new Error('concurrency must be 1 to 4');
  const print = fingerprint(file);
  const state =
    options.resume && existsSync(options.stateFile)
      ? (JSON.parse(readFileSync(options.stateFile, 'utf8')) as { fingerprint: string; done: number; summary: ImportSummary })
      : null;
  const resumeFrom = state && state.fingerprint === print ? state.done : 0;
  const summary: ImportSummary =
    resumeFrom && state
      ? { ...state.summary, skippedBatches: resumeFrom }
      : { batches: 0, skippedBatches: 0, rows: 0, accepted: 0, duplicates: 0, rejected: 0, unreadable: 0 };
  const report: WriteStream = createWriteStream(options.reportFile, { flags: resumeFrom ? 'a' : 'w' });
  if (!resumeFrom) report.write('\uFEFFline,externalRef,field,code,message\n');
  const quote = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  const totalBytes = statSync(file).size;
  let bytes = 0;

  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const parser = parse({
    columns: (header: string[]) => header.map((h) => h.trim()),
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_quotes: false,
    skip_records_with_error: true,
    info: true,
  });
  parser.on('skip', (err: CsvError) => {
    summary.unreadable++;
    report.write(`${err.lines ?? ''},,,UNREADABLE_LINE,${quote(err.message)}\n`);
  });
  let source: NodeJS.ReadableStream = createReadStream(file).pipe(counter);
  if (options.encoding === 'gb18030') source = source.pipe(iconv.decodeStream('gb18030'));
  source.pipe(parser);

  type Line = { row: Record<string, unknown>; line: number };
  let batch: Line[] = [];
  let index = 0;
  // Batches sent and not yet applied, oldest first.
  const inFlight: Array<{ index: number; lines: Line[]; result: Promise<BatchResult> }> = [];
  const applyOldest = async () => {
    const { index: done, lines, result } = inFlight[0]!;
    const r = await result;
    inFlight.shift();
    summary.batches++;
    summary.rows += lines.length;
    summary.accepted += r.accepted;
    summary.duplicates += r.duplicates;
    summary.rejected += r.rejected;
    for (const e of r.errors) {
      const source = lines[e.row - 1];
      report.write(`${source?.line ?? ''},${quote(source?.row['externalRef'])},${quote(e.field)},${e.code},${quote(e.message)}\n`);
    }
    writeFileSync(options.stateFile, JSON.stringify({ fingerprint: print, done, summary }));
    options.onProgress?.({ bytes, totalBytes, rows: summary.rows });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    index++;
    if (index <= resumeFrom) return; // sent before the interruption
    const result = send(
      options,
      `${basename(file)}-${print}-${String(index).padStart(5, '0')}`,
      lines.map((r) => r.row),
    );
    // Awaited in order below; marked handled so a later batch failing first does not crash the process.
    result.catch(() => undefined);
    inFlight.push({ index, lines, result });
    if (inFlight.length >= concurrency) await applyOldest();
  };

  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const { row, problems } = toRow(record.record);
    if (problems.length) {
      // Counted once: rows of batches sent before an interruption were reported then.
      if (index + 1 > resumeFrom) {
        summary.rejected++;
        for (const p of problems)
          report.write(`${record.info.lines},${quote(row['externalRef'])},${quote(p.field)},INVALID_TYPE,${quote(p.message)}\n`);
      }
      continue;
    }
    batch.push({ row, line: record.info.lines });
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  while (inFlight.length) await applyOldest();
  await new Promise<void>((resolve) => report.end(resolve));
  return summary;
}
