import { Schema, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { Certificate } from '../domain/certificate';
import type { CertificateStore, ImportBatch, ImportBatchStore } from '../use-cases/ports';

export const BATCHES_COLLECTION = 'import_batches';
export const CERTIFICATES_COLLECTION = 'certificates';

/** `errors` is a reserved path name in mongoose: stored as `rowErrors`. */
type BatchDoc = Omit<ImportBatch, 'id' | 'errors'> & { _id: string; rowErrors: ImportBatch['errors'] };
const batchSchema = new Schema<BatchDoc>(
  {
    _id: String,
    batchRef: String,
    institutionCode: String,
    province: String,
    status: String,
    rows: Number,
    accepted: Number,
    duplicates: Number,
    rejected: Number,
    rowErrors: { type: Schema.Types.Mixed, default: () => [] },
    createdBy: String,
    createdAt: Date,
    completedAt: Date,
    ...outboxSchemaFields,
  },
  { collection: BATCHES_COLLECTION, versionKey: false, minimize: false },
);
batchSchema.index({ institutionCode: 1, createdAt: -1 });

export function createImportBatchRepository(connection: Connection, signal: OutboxSignal): ImportBatchStore {
  const batches = connection.model<BatchDoc>('ImportBatch', batchSchema);
  return {
    async insert(batch, events) {
      const { id, errors, ...rest } = batch;
      await batches.collection.insertOne({ _id: id, ...rest, rowErrors: errors, ...outboxOnInsert(events) } as never);
      signal.notify({ collection: BATCHES_COLLECTION, ids: [id] });
    },
    async findById(scope: TenantScope, id) {
      const d = await batches.findOne(scoped(scope, { _id: id }), OUTBOX_HIDDEN).lean<BatchDoc>();
      if (!d) return null;
      const { _id, rowErrors, ...rest } = d;
      return { id: _id, ...rest, errors: rowErrors ?? [] };
    },
  };
}

type CertDoc = Omit<Certificate, 'id'> & { _id: string };
const certSchema = new Schema<CertDoc>(
  {
    _id: String,
    code: { type: String, required: true },
    accountNo: { type: String, required: true },
    province: String,
    learnerNameMasked: { type: String, default: null },
    outcomes: { type: Schema.Types.Mixed, default: () => [] },
    token: String,
    issuedAt: Date,
    issuedBy: String,
    revoked: { type: Object, default: null },
    ...outboxSchemaFields,
  },
  { collection: CERTIFICATES_COLLECTION, versionKey: false, minimize: false },
);
certSchema.index({ code: 1 }, { unique: true });
certSchema.index({ accountNo: 1, issuedAt: -1 });

export function createCertificateRepository(connection: Connection, signal: OutboxSignal): CertificateStore {
  const certs = connection.model<CertDoc>('Certificate', certSchema);
  const toCert = ({ _id, ...rest }: CertDoc): Certificate => ({ id: _id, ...rest, revoked: rest.revoked ?? null });
  return {
    async insert(cert, events) {
      const { id, ...rest } = cert;
      await certs.collection.insertOne({ _id: id, ...rest, ...outboxOnInsert(events) } as never);
      signal.notify({ collection: CERTIFICATES_COLLECTION, ids: [id] });
    },
    async findById(id) {
      const d = await certs.findById(id, OUTBOX_HIDDEN).lean<CertDoc>();
      return d ? toCert(d) : null;
    },
    async findByCode(code) {
      const d = await certs.findOne({ code }, OUTBOX_HIDDEN).lean<CertDoc>();
      return d ? toCert(d) : null;
    },
    async ofLearner(accountNo) {
      return (await certs.find({ accountNo }, OUTBOX_HIDDEN).sort({ issuedAt: -1 }).limit(200).lean<CertDoc[]>()).map(toCert);
    },
    async revoke(id, revoked, events) {
      const result = await certs.updateOne({ _id: id, revoked: null }, withOutbox({ $set: { revoked } }, events));
      if (result.modifiedCount !== 1) return null;
      signal.notify({ collection: CERTIFICATES_COLLECTION, ids: [id] });
      const d = await certs.findById(id, OUTBOX_HIDDEN).lean<CertDoc>();
      return d ? toCert(d) : null;
    },
  };
}
