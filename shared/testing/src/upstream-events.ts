import {
  CatalogItemPublished,
  CreditStandardPublished,
  InstitutionAccredited,
  InstitutionRegistered,
  LearnerAccountOpened,
  NATIONAL_PROVINCE,
  createEvent,
  type EventData,
  type OutgoingEvent,
} from '@creditbank/contracts';

/**
 * Events of the upstream services (standards, account) that downstream services learn their world
 * from, for tests and benchmarks that feed a service directly. Each builder starts from the
 * contract's `.example` (so it is always valid and follows the contract) and takes only the facts a
 * test cares about. The envelope's province is the data's own, or NATIONAL_PROVINCE for national
 * catalogue items, as the producing service writes it; the source is the producer.
 */
const meta = (province: string, producer: string) => ({ province, source: `/creditbank/${producer}` });

export type CatalogItemData = EventData<typeof CatalogItemPublished>;
export type CreditStandardData = EventData<typeof CreditStandardPublished>;
export type InstitutionData = EventData<typeof InstitutionRegistered>;
export type AccreditationData = EventData<typeof InstitutionAccredited>;
export type AccountOpenedData = EventData<typeof LearnerAccountOpened>;

/** `creditbank.catalog-item.published.v1` (standards). */
export function catalogItemPublished(over: Partial<CatalogItemData> = {}): OutgoingEvent<CatalogItemData> {
  const data = { ...CatalogItemPublished.example, ...over };
  return createEvent(CatalogItemPublished, data, meta(data.province ?? NATIONAL_PROVINCE, CatalogItemPublished.producer));
}

/** `creditbank.credit-standard.published.v1` (standards). */
export function creditStandardPublished(over: Partial<CreditStandardData> = {}): OutgoingEvent<CreditStandardData> {
  const data = { ...CreditStandardPublished.example, ...over };
  return createEvent(CreditStandardPublished, data, meta(data.province, CreditStandardPublished.producer));
}

/** `creditbank.institution.registered.v1` (account). */
export function institutionRegistered(over: Partial<InstitutionData> = {}): OutgoingEvent<InstitutionData> {
  const data = { ...InstitutionRegistered.example, ...over };
  return createEvent(InstitutionRegistered, data, meta(data.province, InstitutionRegistered.producer));
}

/** `creditbank.institution.accredited.v1` (standards). */
export function institutionAccredited(over: Partial<AccreditationData> = {}): OutgoingEvent<AccreditationData> {
  const data = { ...InstitutionAccredited.example, ...over };
  return createEvent(InstitutionAccredited, data, meta(data.province, InstitutionAccredited.producer));
}

/** `creditbank.learner.account-opened.v1` (account). */
export function learnerAccountOpened(over: Partial<AccountOpenedData> = {}): OutgoingEvent<AccountOpenedData> {
  const data = { ...LearnerAccountOpened.example, ...over };
  return createEvent(LearnerAccountOpened, data, meta(data.province, LearnerAccountOpened.producer));
}

export type CreditRuleData = CreditStandardData['rules'][number];

const NO_LIMITS = { maxPerOutcome: null, maxPerItem: null, minScore: null, pointsPerCredit: null } as const;

/** A credit-standard rule granting credits by level (`{ 1: 4, 2: 6 }`); other facts via `over`. */
export function levelTableRule(
  type: CreditRuleData['type'],
  credits: Record<number, number>,
  over: Partial<CreditRuleData> = {},
): CreditRuleData {
  return {
    type,
    subtype: null,
    method: 'LEVEL_TABLE',
    credits: null,
    hoursPerCredit: null,
    roundingStep: null,
    rounding: null,
    levelCredits: Object.entries(credits).map(([level, c]) => ({ level: Number(level), credits: c })),
    ...NO_LIMITS,
    ...over,
  };
}

/** A credit-standard rule granting one credit per `hoursPerCredit` hours, rounded down to halves. */
export function perHoursRule(type: CreditRuleData['type'], hoursPerCredit: number, over: Partial<CreditRuleData> = {}): CreditRuleData {
  return {
    type,
    subtype: null,
    method: 'PER_HOURS',
    credits: null,
    hoursPerCredit,
    roundingStep: 0.5,
    rounding: 'DOWN',
    levelCredits: [],
    ...NO_LIMITS,
    ...over,
  };
}
