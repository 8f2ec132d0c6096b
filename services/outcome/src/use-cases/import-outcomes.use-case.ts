import { createHash, randomUUID } from 'node:crypto';
import { ImportBatchCompleted, createEvent, metaFrom } from '@creditbank/contracts';
import { BadInputError, ForbiddenError, type CommandContext } from '@creditbank/kernel';
import { MAX_IMPORT_ROWS, creditYear, validateOutcomeImportRows, type OutcomeImportRow } from '@creditbank/credit-rules';
import { idHash, maskName } from '@creditbank/identity';
import { importedOutcomeId } from '../domain/outcome';
import { accreditationCovers, bulkDepositAllowed, type CatalogItemVersion, type CreditStandardVersion } from '../domain/projections';
import { awaitingOf, decide, localDate, type CreditTotals, type Decision } from '../domain/recognition';
import { claimOutcomes } from './claim-outcomes.use-case';
import { SOURCE, depositEvents } from './outcome-events';
import type { ImportBatch, ImportBatchStore, NewOutcome, OutcomeStore, ProjectionStore } from './ports';
import { decideWithReservedCredits } from './reserve-credits';

export interface ImportDeps {
  outcomes: OutcomeStore;
  projections: ProjectionStore;
  batches: ImportBatchStore;
  idHashKey: string;
}

type RowErr = ImportBatch['errors'][number];

/** Canonical content of a row: the same externalRef with other content is a conflict, not a duplicate. */
export function contentHash(row: OutcomeImportRow): string {
  const canonical = JSON.stringify([
    row.idNumber,
    row.name,
    row.type,
    row.catalogItemCode,
    row.title,
    row.hours,
    row.credits,
    row.score,
    row.achievedAt,
    row.certificateNo,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Bulk import (批量存入) by an accredited institution: up to 5,000 rows a call, each validated against
 * the import data standard; idempotent by (institution, externalRef): a re-sent row is a duplicate, a
 * changed row with the same externalRef a CONFLICT row error. Good rows are stored (recognised at
 * once when they can be, unclaimed when the person has no account yet); every bad row gets its own
 * error. Reads are batched: a fixed number of queries per call, whatever its size.
 */
export async function importOutcomes(
  deps: ImportDeps,
  ctx: CommandContext,
  batchRefRaw: string,
  rows: readonly unknown[],
): Promise<ImportBatch> {
  const caller = ctx.caller;
  if (caller.kind !== 'user' || caller.role !== 'INSTITUTION_ADMIN' || !caller.inst)
    throw new ForbiddenError('Only an institution administrator may import outcomes');
  const batchRef = batchRefRaw.trim();
  if (!/^[A-Za-z0-9._:/-]{1,100}$/.test(batchRef))
    throw new BadInputError('batchRef must be 1 to 100 letters, digits or . _ : / -', 'batchRef');
  if (rows.length === 0) throw new BadInputError('rows must not be empty', 'rows');
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new BadInputError(`At most ${MAX_IMPORT_ROWS} rows per call (got ${rows.length}); split the file into batches`, 'rows', {
      max: MAX_IMPORT_ROWS,
    });
  }
  const [[institution], accreditation] = await Promise.all([
    deps.projections.institutions([caller.inst]),
    deps.projections.accreditation(caller.inst),
  ]);
  if (!institution || institution.status !== 'ACTIVE') throw new ForbiddenError('Your institution is not registered or not active');
  const allowed = bulkDepositAllowed(accreditation, ctx.now);
  if (!allowed.ok) throw new ForbiddenError(allowed.why);

  const errors: RowErr[] = [];
  const { valid, errors: schemaErrors } = validateOutcomeImportRows(rows, { now: ctx.now });
  for (const e of schemaErrors) errors.push({ row: e.index + 1, field: e.field, code: e.code, message: e.message });

  // Existing rows of this institution (duplicates and conflicts), catalogue items, learners: three
  // independent reads, side by side.
  const hashes = new Map(valid.map((v) => [v.index, idHash(v.row.idNumber, deps.idHashKey)]));
  const [imported, currentItems, knownLinks] = await Promise.all([
    deps.outcomes.findImported(
      caller.inst,
      valid.map((v) => v.row.externalRef),
    ),
    deps.projections.currentItems([...new Set(valid.map((v) => v.row.catalogItemCode))]),
    deps.projections.linksByIdHash([...new Set(hashes.values())]),
  ]);
  const existing = new Map(imported.map((e) => [e.externalRef, e]));
  const items = new Map(currentItems.map((i) => [i.code, i]));
  const links = new Map(knownLinks.map((l) => [l.idHash, l]));

  let duplicates = 0;
  const candidates: Array<{ index: number; row: OutcomeImportRow; hash: string; item: CatalogItemVersion; content: string }> = [];
  for (const { index, row } of valid) {
    const content = contentHash(row);
    const prior = existing.get(row.externalRef);
    if (prior) {
      if (prior.contentHash === content) duplicates++;
      else
        errors.push({
          row: index + 1,
          field: 'externalRef',
          code: 'CONFLICT',
          message: 'A different outcome was already imported with this externalRef; send a new externalRef or revoke the old outcome',
        });
      continue;
    }
    const item = items.get(row.catalogItemCode);
    if (!item) {
      errors.push({
        row: index + 1,
        field: 'catalogItemCode',
        code: 'UNKNOWN_CATALOG_ITEM',
        message: 'catalogItemCode is not a published catalogue item (unknown, draft or retired)',
      });
      continue;
    }
    if (item.type !== row.type) {
      errors.push({
        row: index + 1,
        field: 'type',
        code: 'TYPE_MISMATCH',
        message: `type must be ${item.type}, the type of catalogue item ${item.code}`,
      });
      continue;
    }
    const covered = accreditationCovers(accreditation, row.type, ctx.now, true);
    if (!covered.ok) {
      errors.push({ row: index + 1, field: 'type', code: 'UNACCREDITED_TYPE', message: covered.why });
      continue;
    }
    candidates.push({ index, row, hash: hashes.get(index)!, item, content });
  }

  // Credit history of the learners involved, and the standards of their provinces, once each.
  const accountNos = [...new Set(candidates.map((c) => links.get(c.hash)?.accountNo).filter((a): a is string => !!a))];
  const years = [...new Set(candidates.map((c) => creditYear(c.row.achievedAt)))];
  const codes = [...new Set(candidates.map((c) => c.item.code))];
  const standards = new Map<string, CreditStandardVersion | null>();
  for (const province of new Set([...links.values()].map((l) => l.province)))
    standards.set(province, await deps.projections.standardInForce(province, ctx.now));

  const batchId = `ib-${randomUUID()}`;
  const by = caller.sub;
  const toOutcome = ({ row, hash, item, content }: (typeof candidates)[number], totals: CreditTotals): NewOutcome => {
    const link = links.get(hash) ?? null;
    const decision: Decision = decide(row, {
      link,
      item,
      standard: link ? (standards.get(link.province) ?? null) : null,
      totals,
      autoAllowed: true,
      now: ctx.now,
      by: 'system',
    });
    const achievedAt = localDate(row.achievedAt);
    return {
      id: importedOutcomeId(caller.inst!, row.externalRef),
      province: link?.province ?? institution.province,
      accountNo: link?.accountNo ?? null,
      idHash: hash,
      learnerNameMasked: maskName(row.name),
      institutionCode: caller.inst!,
      source: 'INSTITUTION_IMPORT',
      type: row.type,
      catalogItemCode: item.code,
      catalogItemVersion: item.version,
      title: row.title,
      hours: row.hours,
      credits: row.credits,
      score: row.score,
      achievedAt,
      year: Number(achievedAt.slice(0, 4)),
      certificateNo: row.certificateNo,
      evidence: [],
      externalRef: row.externalRef,
      batchId,
      status: decision.status,
      statusReason: decision.reason,
      awaiting: awaitingOf(decision),
      recognition: decision.status === 'RECOGNIZED' ? decision.recognition : null,
      depositedAt: ctx.now,
      depositedBy: by,
      nodeId: null,
      version: 1,
      importKey: `${caller.inst}|${row.externalRef}`,
      contentHash: content,
    };
  };
  // Recognitions are counted in the learners' credit tallies before the outcomes are stored, so
  // imports for the same people at the same moment cannot both grant the last credits under a cap.
  const outcomes = await decideWithReservedCredits(
    deps.outcomes,
    { accountNos, years, codes, ownIds: new Set(candidates.map((c) => importedOutcomeId(caller.inst!, c.row.externalRef))) },
    (totals, only) => candidates.filter((c) => !only || only.has(links.get(c.hash)?.accountNo ?? '')).map((c) => toOutcome(c, totals)),
  );
  const itemOf = new Map(candidates.map((c) => [c.item.code, c.item]));
  const { duplicateKeys } = outcomes.length
    ? await deps.outcomes.insertMany(outcomes, (o) => depositEvents(o, itemOf.get(o.catalogItemCode)!, ctx))
    : { duplicateKeys: new Set<string>() };
  duplicates += duplicateKeys.size;

  // An account opened while this import ran: its handler may have looked for UNCLAIMED outcomes
  // after we read the links and before we inserted. Read the links of the people we stored as
  // unclaimed once more and claim for those now active (claiming is idempotent: only from UNCLAIMED).
  const unclaimedHashes = [...new Set(outcomes.filter((o) => o.status === 'UNCLAIMED').map((o) => o.idHash))];
  if (unclaimedHashes.length)
    for (const link of await deps.projections.linksByIdHash(unclaimedHashes))
      if (link.status === 'ACTIVE') await claimOutcomes(deps, link, ctx);

  errors.sort((a, b) => a.row - b.row);
  const batch: ImportBatch = {
    id: batchId,
    batchRef,
    institutionCode: caller.inst,
    province: institution.province,
    status: 'COMPLETED',
    rows: rows.length,
    accepted: outcomes.length - duplicateKeys.size,
    duplicates,
    rejected: new Set(errors.map((e) => e.row)).size,
    errors,
    createdBy: by,
    createdAt: ctx.now,
    completedAt: new Date(),
  };
  await deps.batches.insert(batch, [
    createEvent(
      ImportBatchCompleted,
      {
        batchId,
        batchRef,
        institutionCode: batch.institutionCode,
        province: batch.province,
        rows: batch.rows,
        accepted: batch.accepted,
        duplicates: batch.duplicates,
        rejected: batch.rejected,
        completedAt: batch.completedAt.toISOString(),
      },
      metaFrom(ctx, batch.province, SOURCE),
    ),
  ]);
  return batch;
}
