import type { CatalogItemFacts, CreditStandardRules, OutcomeType } from '@creditbank/credit-rules';

/** What the outcome service knows of other services, learned from their events. */
export interface LearnerLink {
  idHash: string;
  accountNo: string;
  province: string;
  status: 'PENDING_VERIFICATION' | 'ACTIVE' | 'FROZEN' | 'CLOSED';
  nameMasked: string | null;
}

export interface InstitutionFacts {
  code: string;
  name: string;
  province: string;
  category: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DEREGISTERED';
}

export interface AccreditationFacts {
  institutionCode: string;
  province: string;
  status: 'ACTIVE' | 'SUSPENDED';
  outcomeTypes: OutcomeType[];
  bulkDeposit: boolean;
  validUntil: Date;
}

export interface CatalogItemVersion extends CatalogItemFacts {
  title: string;
  track: string | null;
  /** Current published version of its code (false when retired or superseded). */
  current: boolean;
  province: string | null;
}

export interface CreditStandardVersion extends CreditStandardRules {
  effectiveFrom: Date;
}

/** Whether an institution may bulk-import at all (before looking at each row's type). */
export function bulkDepositAllowed(a: AccreditationFacts | null, now: Date): { ok: true } | { ok: false; why: string } {
  if (!a) return { ok: false, why: 'Your institution is not accredited to deposit outcomes' };
  if (a.status !== 'ACTIVE') return { ok: false, why: 'Your institution’s accreditation is suspended' };
  if (a.validUntil.getTime() < now.getTime()) return { ok: false, why: 'Your institution’s accreditation has expired' };
  if (!a.bulkDeposit) return { ok: false, why: 'Your institution is not accredited for bulk deposits' };
  return { ok: true };
}

/** Whether an accreditation lets an institution deposit outcomes of a type (now). */
export function accreditationCovers(
  a: AccreditationFacts | null,
  type: OutcomeType,
  now: Date,
  bulk: boolean,
): { ok: true } | { ok: false; why: string } {
  if (!a) return { ok: false, why: 'The institution is not accredited' };
  if (a.status !== 'ACTIVE') return { ok: false, why: 'The institution’s accreditation is suspended' };
  if (a.validUntil.getTime() < now.getTime()) return { ok: false, why: 'The institution’s accreditation has expired' };
  if (bulk && !a.bulkDeposit) return { ok: false, why: 'The institution is not accredited for bulk deposits' };
  if (!a.outcomeTypes.includes(type)) return { ok: false, why: `The institution is not accredited for ${type} outcomes` };
  return { ok: true };
}
