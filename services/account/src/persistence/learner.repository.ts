import { Schema, isDuplicateKeyError, scoped, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { TenantScope } from '@creditbank/kernel';
import type { PiiCipher } from '@creditbank/identity';
import type { AuditEntry, Learner } from '../domain/learner';
import type { LearnerChange, LearnerCredential, LearnerStore, NewLearner, PendingVerification } from '../use-cases/ports';

export const LEARNERS_COLLECTION = 'learners';

/**
 * Stored learner. Personal data is sealed (AES-256-GCM, key id inside): name, ID number and phone.
 * Lookups use keyed hashes (idHash unique: one person, one account; phoneHash for login).
 */
interface LearnerDoc {
  _id: string;
  province: string;
  nameSealed: string;
  idNumberSealed: string;
  idHash: string;
  idNumberMasked: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  birthYear: number;
  phoneSealed: string | null;
  phoneHash: string | null;
  phoneMasked: string | null;
  adminDivision: string;
  householdId: string | null;
  educationLevel: string | null;
  occupation: string | null;
  status: Learner['status'];
  statusReason: string | null;
  openedAt: Date;
  openingChannel: Learner['openingChannel'];
  openedAtNode: string | null;
  agreement: { version: string; acceptedAt: Date } | null;
  history: AuditEntry[];
  version: number;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: Date | null;
  verification: { attempts: number; nextAt: Date; lastError: string | null } | null;
}

const auditSchema = new Schema<AuditEntry>(
  {
    at: Date,
    by: String,
    action: String,
    reason: { type: String, default: null },
    changes: [new Schema({ field: String, from: { type: String, default: null }, to: { type: String, default: null } }, { _id: false })],
  },
  { _id: false },
);

const learnerSchema = new Schema<LearnerDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    nameSealed: { type: String, required: true },
    idNumberSealed: { type: String, required: true },
    idHash: { type: String, required: true },
    idNumberMasked: { type: String, required: true },
    gender: { type: String, required: true },
    birthDate: { type: String, required: true },
    birthYear: { type: Number, required: true },
    phoneSealed: { type: String, default: null },
    phoneHash: { type: String, default: null },
    phoneMasked: { type: String, default: null },
    adminDivision: { type: String, required: true },
    householdId: { type: String, default: null },
    educationLevel: { type: String, default: null },
    occupation: { type: String, default: null },
    status: { type: String, required: true },
    statusReason: { type: String, default: null },
    openedAt: { type: Date, required: true },
    openingChannel: { type: String, required: true },
    openedAtNode: { type: String, default: null },
    agreement: { type: new Schema({ version: String, acceptedAt: Date }, { _id: false }), default: null },
    history: { type: [auditSchema], default: [] },
    version: { type: Number, required: true, default: 1 },
    passwordHash: { type: String, required: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    verification: {
      type: new Schema({ attempts: Number, nextAt: Date, lastError: { type: String, default: null } }, { _id: false }),
      default: null,
    },
    ...outboxSchemaFields,
  },
  { collection: LEARNERS_COLLECTION, versionKey: false, minimize: false },
);
// One person, one lifelong account, across all provinces.
learnerSchema.index({ idHash: 1 }, { unique: true });
learnerSchema.index({ phoneHash: 1 });
learnerSchema.index({ province: 1, adminDivision: 1, _id: 1 });
learnerSchema.index({ province: 1, status: 1, _id: 1 });
learnerSchema.index({ province: 1, openedAt: 1 });
learnerSchema.index({ status: 1, 'verification.nextAt': 1 });

const counterSchema = new Schema<{ _id: string; seq: number }>({ _id: String, seq: Number }, { collection: 'counters', versionKey: false });

const SECRET_FIELDS = {
  passwordHash: 0,
  idNumberSealed: 0,
  phoneSealed: 0,
  phoneHash: 0,
  failedLogins: 0,
  lockedUntil: 0,
  verification: 0,
  ...OUTBOX_HIDDEN,
} as const;

export function createLearnerRepository(connection: Connection, cipher: PiiCipher, signal: OutboxSignal): LearnerStore {
  const learners = connection.model<LearnerDoc>('Learner', learnerSchema);
  const counters = connection.model('Counter', counterSchema);

  const toLearner = (
    d: Omit<LearnerDoc, 'passwordHash' | 'idNumberSealed' | 'phoneSealed' | 'phoneHash' | 'failedLogins' | 'lockedUntil' | 'verification'>,
  ): Learner => ({
    accountNo: d._id,
    province: d.province,
    name: cipher.decrypt(d.nameSealed, 'learner.name'),
    idHash: d.idHash,
    idNumberMasked: d.idNumberMasked,
    gender: d.gender,
    birthDate: d.birthDate,
    birthYear: d.birthYear,
    phoneMasked: d.phoneMasked,
    adminDivision: d.adminDivision,
    householdId: d.householdId,
    educationLevel: d.educationLevel,
    occupation: d.occupation,
    status: d.status,
    statusReason: d.statusReason ?? null,
    openedAt: d.openedAt,
    openingChannel: d.openingChannel,
    openedAtNode: d.openedAtNode,
    agreement: d.agreement,
    history: d.history ?? [],
    version: d.version,
  });

  const toCredential = (
    d: Pick<LearnerDoc, '_id' | 'province' | 'status' | 'passwordHash' | 'failedLogins' | 'lockedUntil'>,
  ): LearnerCredential => ({
    accountNo: d._id,
    province: d.province,
    status: d.status,
    passwordHash: d.passwordHash,
    failedLogins: d.failedLogins ?? 0,
    lockedUntil: d.lockedUntil ?? null,
  });

  return {
    async nextSerial(province) {
      const doc = await counters
        .findOneAndUpdate({ _id: `accountNo:${province}` }, { $inc: { seq: 1 } }, { upsert: true, new: true })
        .lean();
      if (!doc) throw new Error('counter upsert returned nothing');
      return doc.seq;
    },

    async insert(l: NewLearner, events) {
      const doc: LearnerDoc = {
        _id: l.accountNo,
        province: l.province,
        nameSealed: cipher.encrypt(l.name, 'learner.name'),
        idNumberSealed: cipher.encrypt(l.idNumber, 'learner.idNumber'),
        idHash: l.idHash,
        idNumberMasked: l.idNumberMasked,
        gender: l.gender,
        birthDate: l.birthDate,
        birthYear: l.birthYear,
        phoneSealed: l.phone ? cipher.encrypt(l.phone, 'learner.phone') : null,
        phoneHash: l.phoneHash,
        phoneMasked: l.phoneMasked,
        adminDivision: l.adminDivision,
        householdId: l.householdId,
        educationLevel: l.educationLevel,
        occupation: l.occupation,
        status: l.status,
        statusReason: null,
        openedAt: l.openedAt,
        openingChannel: l.openingChannel,
        openedAtNode: l.openedAtNode,
        agreement: l.agreement,
        history: l.history,
        version: 1,
        passwordHash: l.passwordHash,
        failedLogins: 0,
        lockedUntil: null,
        verification: l.nextVerificationAt ? { attempts: 0, nextAt: l.nextVerificationAt, lastError: null } : null,
      };
      try {
        await learners.create({ ...doc, ...outboxOnInsert(events) });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await learners.findOne({ idHash: l.idHash }, { province: 1 }).lean();
        if (!existing) throw error;
        return { ok: false, existingProvince: existing.province };
      }
      signal.notify();
      return { ok: true, learner: toLearner(doc) };
    },

    async findByAccountNos(scope: TenantScope, accountNos) {
      const docs = await learners.find(scoped(scope, { _id: { $in: [...accountNos] } }), SECRET_FIELDS).lean<LearnerDoc[]>();
      return docs.map(toLearner);
    },

    async findByIdHash(scope: TenantScope, idHash) {
      const doc = await learners.findOne(scoped(scope, { idHash }), SECRET_FIELDS).lean<LearnerDoc>();
      return doc ? toLearner(doc) : null;
    },

    async list(scope: TenantScope, f, page) {
      const filter: Record<string, unknown> = {};
      if (f.divisionPrefix) filter['adminDivision'] = { $gte: f.divisionPrefix, $lt: `${f.divisionPrefix}~` };
      if (f.status) filter['status'] = f.status;
      if (f.channel) filter['openingChannel'] = f.channel;
      if (f.openedFrom || f.openedTo) {
        filter['openedAt'] = { ...(f.openedFrom ? { $gte: f.openedFrom } : {}), ...(f.openedTo ? { $lte: f.openedTo } : {}) };
      }
      const base = scoped(scope, filter);
      const [rows, total] = await Promise.all([
        learners
          .find(page.after ? { ...base, _id: { $gt: page.after } } : base, SECRET_FIELDS)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<LearnerDoc[]>(),
        learners.countDocuments(base),
      ]);
      return { rows: rows.map(toLearner), total };
    },

    async update(accountNo, version, change: LearnerChange) {
      const { phone, releaseIdHash, nextVerificationAt, ...plain } = change.set;
      const $set: Record<string, unknown> = { ...plain };
      if (phone !== undefined) $set['phoneSealed'] = phone === null ? null : cipher.encrypt(phone, 'learner.phone');
      if (releaseIdHash) $set['idHash'] = `released:${accountNo}`;
      if (nextVerificationAt === null) $set['verification'] = null;
      const update = withOutbox({ $set, $inc: { version: 1 }, $push: { history: change.audit } }, change.events);
      const result = await learners.updateOne({ _id: accountNo, version }, update);
      if (result.modifiedCount !== 1) return null;
      if (change.events.length) signal.notify();
      const doc = await learners.findById(accountNo, SECRET_FIELDS).lean<LearnerDoc>();
      return doc ? toLearner(doc) : null;
    },

    async credentialByAccountNo(accountNo) {
      const doc = await learners
        .findById(accountNo, { province: 1, status: 1, passwordHash: 1, failedLogins: 1, lockedUntil: 1 })
        .lean<LearnerDoc>();
      return doc ? toCredential(doc) : null;
    },

    async credentialsByPhoneHash(phoneHash) {
      const docs = await learners
        .find({ phoneHash }, { province: 1, status: 1, passwordHash: 1, failedLogins: 1, lockedUntil: 1 })
        .limit(5)
        .lean<LearnerDoc[]>();
      return docs.map(toCredential);
    },

    async recordLoginFailure(accountNo, lockedUntil) {
      await learners.updateOne({ _id: accountNo }, { $inc: { failedLogins: 1 }, $set: { lockedUntil } });
    },

    async recordLoginSuccess(accountNo) {
      await learners.updateOne(
        { _id: accountNo, $or: [{ failedLogins: { $gt: 0 } }, { lockedUntil: { $ne: null } }] },
        { $set: { failedLogins: 0, lockedUntil: null } },
      );
    },

    async claimDueVerification(now, leaseMs) {
      const doc = await learners
        .findOneAndUpdate(
          { status: 'PENDING_VERIFICATION', 'verification.nextAt': { $lte: now } },
          { $set: { 'verification.nextAt': new Date(now.getTime() + leaseMs) } },
          { new: true },
        )
        .lean<LearnerDoc>();
      if (!doc) return null;
      const pending: PendingVerification = {
        accountNo: doc._id,
        version: doc.version,
        idNumber: cipher.decrypt(doc.idNumberSealed, 'learner.idNumber'),
        name: cipher.decrypt(doc.nameSealed, 'learner.name'),
        attempts: doc.verification?.attempts ?? 0,
      };
      return pending;
    },

    async postponeVerification(accountNo, attempts, next, lastError) {
      await learners.updateOne(
        { _id: accountNo, status: 'PENDING_VERIFICATION' },
        { $set: { 'verification.attempts': attempts, 'verification.nextAt': next, 'verification.lastError': lastError.slice(0, 200) } },
      );
    },
  };
}
