import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { BadInputError, freeText, mod11_2 } from '@creditbank/kernel';
import { OUTCOME_TYPES, type OutcomeType } from './types';

/**
 * The import data standard (学习成果标准字段和格式): the JSON Schema of one row of an outcome import,
 * with the fields of CONTRACT.md's `OutcomeRowInput`, their formats, enums and limits. Published by
 * the standards subgraph (`outcomeImportSchema`) and used by the outcome service to validate imports;
 * this constant is the single source of both.
 */
export const OUTCOME_IMPORT_SCHEMA_VERSION = '1.0.0';
/** Rows per import batch (CONTRACT: importOutcomes takes at most 5000). */
export const MAX_IMPORT_ROWS = 5000;

/** Catalogue codes: national `VSC-ELEC-G5`, or provincial with the province prefix `33-ZJOU-ECON101`. */
export const CATALOG_CODE_PATTERN = '^(?=.{3,40}$)(?:[A-Z][A-Z0-9]*|[1-9][0-9]-[A-Z0-9]+)(?:-[A-Z0-9]+)*$';
const CATALOG_CODE_RE = new RegExp(CATALOG_CODE_PATTERN);

export function isCatalogCode(value: unknown): value is string {
  return typeof value === 'string' && CATALOG_CODE_RE.test(value);
}

/** The province a catalogue code belongs to, or null for a national item. */
export function provinceOfCatalogCode(code: string): string | null {
  return /^[1-9][0-9]-/.test(code) ? code.slice(0, 2) : null;
}

const PRINTABLE = '^[^\\u0000-\\u001F\\u007F]+$';
const RESIDENT_ID = '^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$';

type JsonSchema = Readonly<Record<string, unknown>>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export const OUTCOME_IMPORT_ROW_SCHEMA: JsonSchema = deepFreeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `urn:creditbank:schema:outcome-import-row:${OUTCOME_IMPORT_SCHEMA_VERSION}`,
  title: '学习成果导入行 / Outcome import row',
  description:
    'One learning outcome in an institution bulk import (importOutcomes). Before validation, strings are trimmed, empty optional strings become null, and idNumber and catalogItemCode are upper-cased. Beyond this schema, the 18th character of idNumber must be its GB 11643 (ISO 7064 MOD 11-2) check character, the birth date it contains must exist, and achievedAt must not be in the future. Rows are idempotent by (institution, externalRef).',
  type: 'object',
  additionalProperties: false,
  required: ['externalRef', 'idNumber', 'name', 'type', 'catalogItemCode', 'title', 'achievedAt'],
  properties: {
    externalRef: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$',
      description: "The institution's own reference of the record (student record id, certificate serial); unique per institution.",
      examples: ['2026-ZJ-000123'],
    },
    idNumber: {
      type: 'string',
      minLength: 18,
      maxLength: 18,
      pattern: RESIDENT_ID,
      description: 'Resident ID number (居民身份证号码, GB 11643): 18 characters, check character 0-9 or X. Never stored in clear.',
    },
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 50,
      pattern: PRINTABLE,
      description: 'Name of the learner as on the ID card; checked against the account, never published.',
    },
    type: {
      type: 'string',
      enum: [...OUTCOME_TYPES],
      description: 'ACADEMIC (学历教育), VOCATIONAL (职业培训) or NON_ACADEMIC (非学历教育).',
    },
    catalogItemCode: {
      type: 'string',
      pattern: CATALOG_CODE_PATTERN,
      description: 'Code of the outcome catalogue item (学习成果目录) the outcome maps to; its type must be the row type.',
      examples: ['VSC-ELEC-G4', '33-ZJOU-AGEC101'],
    },
    title: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: PRINTABLE,
      description: 'Title of the outcome as the issuer names it (course, certificate, training).',
    },
    hours: {
      type: ['number', 'null'],
      exclusiveMinimum: 0,
      maximum: 10000,
      description: 'Learning hours (学时) completed.',
    },
    credits: { type: ['number', 'null'], minimum: 0, maximum: 300, description: 'Credits stated by the issuer, if any.' },
    score: { type: ['number', 'null'], minimum: 0, maximum: 100, description: 'Score as a percentage, if assessed.' },
    achievedAt: {
      type: 'string',
      anyOf: [
        { type: 'string', format: 'date' },
        { type: 'string', format: 'date-time' },
      ],
      description: 'When the outcome was achieved: YYYY-MM-DD (preferred) or an ISO-8601 date-time; not in the future.',
      examples: ['2026-06-30'],
    },
    certificateNo: {
      type: ['string', 'null'],
      minLength: 1,
      maxLength: 64,
      pattern: PRINTABLE,
      description: 'Number of the certificate issued, if any.',
    },
  },
});

/** A row that passed the import data standard (normalised). */
export interface OutcomeImportRow {
  externalRef: string;
  idNumber: string;
  name: string;
  type: OutcomeType;
  catalogItemCode: string;
  title: string;
  hours: number | null;
  credits: number | null;
  score: number | null;
  achievedAt: string;
  certificateNo: string | null;
}

export type RowErrorCode =
  | 'REQUIRED'
  | 'UNKNOWN_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_VALUE'
  | 'INVALID_LENGTH'
  | 'INVALID_FORMAT'
  | 'OUT_OF_RANGE'
  | 'INVALID_CHECK_DIGIT'
  | 'INVALID_DATE'
  | 'DUPLICATE_IN_BATCH';

/** What is wrong with one field of a row. Messages never repeat the submitted value (personal data). */
export interface RowError {
  field: string;
  code: RowErrorCode;
  message: string;
}

export type RowValidation = { ok: true; row: OutcomeImportRow } | { ok: false; errors: RowError[] };

export interface RowValidationOptions {
  /** "Now" for the future-date checks (default: the current time). */
  now?: Date;
}

let compiled: ValidateFunction | null = null;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date', 'date-time']);
    compiled = ajv.compile(OUTCOME_IMPORT_ROW_SCHEMA);
  }
  return compiled;
}

const OPTIONAL_STRINGS = new Set(['certificateNo']);
const UPPER = new Set(['idNumber', 'catalogItemCode']);
const FIELDS = [
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

/** Trim strings, upper-case idNumber and catalogItemCode, turn empty optional strings into null. */
function normalise(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined) continue;
    if (typeof value === 'string') {
      let v = value.trim();
      if (UPPER.has(key)) v = v.toUpperCase();
      out[key] = v === '' && OPTIONAL_STRINGS.has(key) ? null : v;
    } else {
      out[key] = value;
    }
  }
  return out;
}

const CODE_BY_KEYWORD: Record<string, RowErrorCode> = {
  required: 'REQUIRED',
  additionalProperties: 'UNKNOWN_FIELD',
  type: 'INVALID_TYPE',
  enum: 'INVALID_VALUE',
  minLength: 'INVALID_LENGTH',
  maxLength: 'INVALID_LENGTH',
  pattern: 'INVALID_FORMAT',
  format: 'INVALID_FORMAT',
  anyOf: 'INVALID_FORMAT',
  minimum: 'OUT_OF_RANGE',
  maximum: 'OUT_OF_RANGE',
  exclusiveMinimum: 'OUT_OF_RANGE',
  exclusiveMaximum: 'OUT_OF_RANGE',
};

function messageOf(field: string, code: RowErrorCode, e?: ErrorObject): string {
  const prop = (OUTCOME_IMPORT_ROW_SCHEMA['properties'] as Record<string, Record<string, unknown>>)[field];
  switch (code) {
    case 'REQUIRED':
      return `${field} is required`;
    case 'UNKNOWN_FIELD':
      return `${field} is not a field of the import standard`;
    case 'INVALID_TYPE':
      return `${field} must be ${String((e?.params as { type?: unknown } | undefined)?.type ?? 'of another type').replace(',', ' or ')}`;
    case 'INVALID_VALUE':
      return `${field} must be one of ${OUTCOME_TYPES.join(', ')}`;
    case 'INVALID_LENGTH': {
      const min = String(prop?.['minLength'] ?? 1);
      const max = String(prop?.['maxLength']);
      return min === max ? `${field} must be exactly ${max} characters` : `${field} must be ${min} to ${max} characters`;
    }
    case 'OUT_OF_RANGE':
      return `${field} must be ${prop?.['exclusiveMinimum'] !== undefined ? `above ${String(prop['exclusiveMinimum'])}` : `at least ${String(prop?.['minimum'])}`} and at most ${String(prop?.['maximum'])}`;
    case 'INVALID_FORMAT':
      if (field === 'idNumber') return 'idNumber must be an 18-character resident ID number';
      if (field === 'achievedAt') return 'achievedAt must be a date (YYYY-MM-DD) or an ISO-8601 date-time';
      if (field === 'catalogItemCode') return 'catalogItemCode must be a catalogue code such as VSC-ELEC-G4 or 33-ZJOU-AGEC101';
      if (field === 'externalRef') return 'externalRef may contain letters, digits and . _ : / - only';
      return `${field} must not contain control characters`;
    default:
      return `${field} is invalid`;
  }
}

function fieldOf(e: ErrorObject): string {
  if (e.keyword === 'required') return String((e.params as { missingProperty: string }).missingProperty);
  if (e.keyword === 'additionalProperties') return String((e.params as { additionalProperty: string }).additionalProperty);
  return e.instancePath.replace(/^\//, '').split('/')[0] || 'row';
}

const DAY_MS = 86_400_000;

/** Text fields typed by people: the platform's one free-text rule (invisible, bidi, broken characters). */
const TEXT_FIELDS = ['name', 'title', 'certificateNo'] as const;

/**
 * Checks beyond the schema: text fields under the platform's free-text rule, the ID number's check
 * character and birth date, dates not in the future.
 */
function semanticErrors(row: OutcomeImportRow, now: Date): RowError[] {
  const errors: RowError[] = [];
  for (const field of TEXT_FIELDS) {
    try {
      // Lengths are the schema's to judge; this is about which characters the text is made of.
      freeText(row[field], field, { max: Number.MAX_SAFE_INTEGER });
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      const reason = error.message.charAt(0).toLowerCase() + error.message.slice(1);
      errors.push({ field, code: 'INVALID_FORMAT', message: `${field}: ${reason}` });
    }
  }
  const id = row.idNumber;
  if (mod11_2(id.slice(0, 17)) !== id[17]) {
    errors.push({ field: 'idNumber', code: 'INVALID_CHECK_DIGIT', message: 'idNumber has a wrong check character' });
  } else {
    const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    const ms = Date.parse(`${birth}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== birth || ms > now.getTime())
      errors.push({ field: 'idNumber', code: 'INVALID_DATE', message: 'idNumber contains an impossible birth date' });
  }
  const achieved = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(row.achievedAt) ? `${row.achievedAt}T00:00:00+08:00` : row.achievedAt);
  if (achieved > now.getTime() + DAY_MS)
    errors.push({ field: 'achievedAt', code: 'INVALID_DATE', message: 'achievedAt must not be in the future' });
  else if (achieved < Date.parse('1950-01-01T00:00:00Z'))
    errors.push({ field: 'achievedAt', code: 'INVALID_DATE', message: 'achievedAt must be in 1950 or later' });
  return errors;
}

/**
 * Validate one import row against the import data standard. Returns the normalised row, or one error
 * per offending field (field name, code, message; never the value).
 */
export function validateOutcomeImportRow(row: unknown, options: RowValidationOptions = {}): RowValidation {
  if (row === null || typeof row !== 'object' || Array.isArray(row))
    return { ok: false, errors: [{ field: 'row', code: 'INVALID_TYPE', message: 'a row must be an object' }] };
  const candidate = normalise(row as Record<string, unknown>);
  const validate = validator();
  if (!validate(candidate)) {
    const byField = new Map<string, RowError>();
    for (const e of validate.errors ?? []) {
      const field = fieldOf(e);
      if (byField.has(field)) continue;
      const code = CODE_BY_KEYWORD[e.keyword] ?? 'INVALID_FORMAT';
      byField.set(field, { field, code, message: messageOf(field, code, e) });
    }
    const order = (f: string) => (FIELDS.includes(f) ? FIELDS.indexOf(f) : FIELDS.length);
    return { ok: false, errors: [...byField.values()].sort((a, b) => order(a.field) - order(b.field)) };
  }
  const valid: OutcomeImportRow = {
    externalRef: candidate['externalRef'] as string,
    idNumber: candidate['idNumber'] as string,
    name: candidate['name'] as string,
    type: candidate['type'] as OutcomeType,
    catalogItemCode: candidate['catalogItemCode'] as string,
    title: candidate['title'] as string,
    hours: (candidate['hours'] as number | null | undefined) ?? null,
    credits: (candidate['credits'] as number | null | undefined) ?? null,
    score: (candidate['score'] as number | null | undefined) ?? null,
    achievedAt: candidate['achievedAt'] as string,
    certificateNo: (candidate['certificateNo'] as string | null | undefined) ?? null,
  };
  const errors = semanticErrors(valid, options.now ?? new Date());
  return errors.length ? { ok: false, errors } : { ok: true, row: valid };
}

export interface BatchValidation {
  valid: Array<{ index: number; row: OutcomeImportRow }>;
  /** `index` is the row's 0-based position in the batch. */
  errors: Array<RowError & { index: number }>;
}

/** Validate a batch: every row, plus externalRef unique within the batch (later duplicates are errors). */
export function validateOutcomeImportRows(rows: readonly unknown[], options: RowValidationOptions = {}): BatchValidation {
  const now = options.now ?? new Date();
  const out: BatchValidation = { valid: [], errors: [] };
  const seen = new Set<string>();
  rows.forEach((raw, index) => {
    const r = validateOutcomeImportRow(raw, { now });
    if (!r.ok) {
      for (const e of r.errors) out.errors.push({ ...e, index });
      return;
    }
    if (seen.has(r.row.externalRef)) {
      out.errors.push({ index, field: 'externalRef', code: 'DUPLICATE_IN_BATCH', message: 'externalRef appears earlier in this batch' });
      return;
    }
    seen.add(r.row.externalRef);
    out.valid.push({ index, row: r.row });
  });
  return out;
}

/** A deep copy of the published schema (for serving it; the constant itself is frozen). */
export function outcomeImportSchemaDocument(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(OUTCOME_IMPORT_ROW_SCHEMA)) as Record<string, unknown>;
}
