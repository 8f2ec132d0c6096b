import { BadInputError, ConflictError, freeText } from '@creditbank/kernel';
import { OUTCOME_TYPES, type OutcomeType } from '@creditbank/credit-rules';
import { parseInstant, requireSet } from './input';

/**
 * Institution accreditation (资质审核): which outcome types an institution may deposit, whether it
 * may bulk-import, and until when. Granted and suspended by the province's centre. An accreditation
 * past its validUntil is EXPIRED without any write (read-time), and consumers receive validUntil in
 * every event so they honour expiry the same way.
 */
export type StoredAccreditationStatus = 'ACTIVE' | 'SUSPENDED';
export type AccreditationStatus = StoredAccreditationStatus | 'EXPIRED';

export interface AccreditationChange {
  at: Date;
  by: string;
  action: 'ACCREDITED' | 'SUSPENDED';
  outcomeTypes: OutcomeType[];
  bulkDeposit: boolean;
  validUntil: Date;
  reason: string | null;
}

export interface Accreditation {
  institutionCode: string;
  province: string;
  status: StoredAccreditationStatus;
  outcomeTypes: OutcomeType[];
  bulkDeposit: boolean;
  validUntil: Date;
  accreditedAt: Date;
  accreditedBy: string;
  suspendedAt: Date | null;
  suspendedBy: string | null;
  suspendReason: string | null;
  history: AccreditationChange[];
  rev: number;
}

export function effectiveStatus(a: Pick<Accreditation, 'status' | 'validUntil'>, now: Date): AccreditationStatus {
  if (a.status === 'SUSPENDED') return 'SUSPENDED';
  return a.validUntil.getTime() < now.getTime() ? 'EXPIRED' : 'ACTIVE';
}

/** Whether an institution may deposit an outcome of a type now (bulk: by import). */
export function mayDeposit(a: Accreditation | null, type: OutcomeType, now: Date, bulk: boolean): boolean {
  if (!a || effectiveStatus(a, now) !== 'ACTIVE') return false;
  return a.outcomeTypes.includes(type) && (!bulk || a.bulkDeposit);
}

export interface AccreditInput {
  institutionCode: string;
  outcomeTypes: OutcomeType[];
  bulkDeposit: boolean;
  validUntil: string;
}

const MAX_YEARS = 10;
const HISTORY = 100;

export function parseAccreditTerms(input: AccreditInput, now: Date): Pick<Accreditation, 'outcomeTypes' | 'bulkDeposit' | 'validUntil'> {
  const outcomeTypes = requireSet(input.outcomeTypes, 'input.outcomeTypes', OUTCOME_TYPES);
  if (typeof input.bulkDeposit !== 'boolean') throw new BadInputError('Is required', 'input.bulkDeposit');
  const validUntil = parseInstant(input.validUntil ?? '', 'input.validUntil', true);
  if (validUntil.getTime() <= now.getTime()) throw new BadInputError('Must be in the future', 'input.validUntil');
  if (validUntil.getTime() > now.getTime() + MAX_YEARS * 366 * 86_400_000)
    throw new BadInputError(`At most ${MAX_YEARS} years ahead`, 'input.validUntil');
  return { outcomeTypes: OUTCOME_TYPES.filter((t) => outcomeTypes.includes(t)), bulkDeposit: input.bulkDeposit, validUntil };
}

/** Accredit or re-accredit: the new terms replace the old ones, whatever the previous status. */
export function accredit(
  previous: Accreditation | null,
  institution: { code: string; province: string },
  terms: Pick<Accreditation, 'outcomeTypes' | 'bulkDeposit' | 'validUntil'>,
  at: Date,
  by: string,
): Accreditation {
  const change: AccreditationChange = { at, by, action: 'ACCREDITED', ...terms, reason: null };
  return {
    institutionCode: institution.code,
    province: institution.province,
    status: 'ACTIVE',
    ...terms,
    accreditedAt: at,
    accreditedBy: by,
    suspendedAt: null,
    suspendedBy: null,
    suspendReason: null,
    history: [...(previous?.history ?? []), change].slice(-HISTORY),
    rev: previous?.rev ?? 0,
  };
}

export function suspend(a: Accreditation, reasonRaw: string, at: Date, by: string): Accreditation {
  const reason = freeText(reasonRaw, 'reason', { max: 500, required: true, multiline: true });
  const status = effectiveStatus(a, at);
  if (status !== 'ACTIVE') throw new ConflictError(`The accreditation is ${status.toLowerCase()} already`);
  const change: AccreditationChange = {
    at,
    by,
    action: 'SUSPENDED',
    outcomeTypes: a.outcomeTypes,
    bulkDeposit: a.bulkDeposit,
    validUntil: a.validUntil,
    reason,
  };
  return {
    ...a,
    status: 'SUSPENDED',
    suspendedAt: at,
    suspendedBy: by,
    suspendReason: reason,
    history: [...a.history, change].slice(-HISTORY),
  };
}
