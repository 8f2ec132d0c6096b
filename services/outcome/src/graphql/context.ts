import { commandOf, keyedLoader, type BaseContext, type DataLoader } from '@creditbank/server';
import type { CommandContext } from '@creditbank/kernel';
import type { LearningOutcome } from '../domain/outcome';
import type { CertificateStore, ImportBatchStore, OutcomeStore, ProjectionStore } from '../use-cases/ports';
import type { CertificateSigning } from '../use-cases/certificates.use-case';
import { getOutcomes } from '../use-cases/queries.use-case';

export interface OutcomeDeps {
  outcomes: OutcomeStore;
  projections: ProjectionStore;
  batches: ImportBatchStore;
  certificates: CertificateStore;
  signer: CertificateSigning;
  issuerName: (province: string) => string;
  idHashKey: string;
  /** Public base URL of this service's certificate PDFs. */
  publicUrl: string;
}

export interface OutcomeContext extends BaseContext {
  deps: OutcomeDeps;
  loaders: { outcome: DataLoader<string, LearningOutcome | null> };
  command(): CommandContext;
}

export function buildOutcomeContext(deps: OutcomeDeps) {
  return (base: BaseContext): OutcomeContext => ({
    ...base,
    deps,
    loaders: {
      outcome: keyedLoader(
        (ids) => getOutcomes(deps.outcomes, base.caller, ids),
        (o) => o.id,
      ),
    },
    command: () => commandOf(base),
  });
}
