import type { InstitutionFacts } from '../domain/institution';
import type { InstitutionStore } from './ports';

/** Keep the institutions the account service registers (newer facts win; redelivery changes nothing). */
export async function recordInstitution(store: InstitutionStore, facts: InstitutionFacts): Promise<void> {
  await store.upsertIfNewer(facts);
}
