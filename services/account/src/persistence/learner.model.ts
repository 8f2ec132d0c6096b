import { Schema, type Connection } from '@creditbank/mongo';
import { outboxSchemaFields } from '@creditbank/events';

export const LEARNERS_COLLECTION = 'learners';

export interface LearnerDocument {
  _id: string; // accountNo
  province: string;
  name: string;
  idHash: string;
  idNumberMasked: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  birthYear: number;
  phoneMasked: string | null;
  adminDivision: string;
  householdId: string | null;
  educationLevel: string | null;
  occupation: string | null;
  status: 'PENDING_VERIFICATION' | 'ACTIVE' | 'FROZEN' | 'CLOSED';
  openedAt: Date;
  openingChannel: 'ONLINE' | 'INTAKE_POINT';
  openedAtNode: string | null;
  agreement: { version: string; acceptedAt: Date } | null;
  passwordHash: string;
}

const learnerSchema = new Schema<LearnerDocument>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    name: { type: String, required: true },
    idHash: { type: String, required: true },
    idNumberMasked: { type: String, required: true },
    gender: { type: String, required: true },
    birthDate: { type: String, required: true },
    birthYear: { type: Number, required: true },
    phoneMasked: { type: String, default: null },
    adminDivision: { type: String, required: true },
    householdId: { type: String, default: null },
    educationLevel: { type: String, default: null },
    occupation: { type: String, default: null },
    status: { type: String, required: true },
    openedAt: { type: Date, required: true },
    openingChannel: { type: String, required: true },
    openedAtNode: { type: String, default: null },
    agreement: { type: new Schema({ version: String, acceptedAt: Date }, { _id: false }), default: null },
    passwordHash: { type: String, required: true },
    ...outboxSchemaFields,
  },
  { collection: LEARNERS_COLLECTION, versionKey: false, minimize: false },
);
// One person, one lifelong account, across all provinces.
learnerSchema.index({ idHash: 1 }, { unique: true });
learnerSchema.index({ province: 1, adminDivision: 1 });
learnerSchema.index({ province: 1, status: 1, openedAt: 1 });

export function learnerModel(connection: Connection) {
  return connection.model<LearnerDocument>('Learner', learnerSchema);
}

export const COUNTERS_COLLECTION = 'counters';
const counterSchema = new Schema<{ _id: string; seq: number }>(
  { _id: String, seq: Number },
  { collection: COUNTERS_COLLECTION, versionKey: false },
);

export function counterModel(connection: Connection) {
  return connection.model('Counter', counterSchema);
}
