import type { Connection } from '@creditbank/mongo';
import { isDuplicateKeyError, scoped } from '@creditbank/mongo';
import { outboxOnInsert, type OutboxSignal } from '@creditbank/events';
import type { OutgoingEvent } from '@creditbank/contracts';
import type { TenantScope } from '@creditbank/kernel';
import type { Learner, LearnerSecrets } from '../domain/learner';
import type { LearnerStore } from '../use-cases/ports';
import { counterModel, learnerModel, type LearnerDocument } from './learner.model';

function toLearner(doc: LearnerDocument): Learner {
  return {
    accountNo: doc._id,
    province: doc.province,
    name: doc.name,
    idHash: doc.idHash,
    idNumberMasked: doc.idNumberMasked,
    gender: doc.gender,
    birthDate: doc.birthDate,
    birthYear: doc.birthYear,
    phoneMasked: doc.phoneMasked,
    adminDivision: doc.adminDivision,
    householdId: doc.householdId,
    educationLevel: doc.educationLevel,
    occupation: doc.occupation,
    status: doc.status,
    openedAt: doc.openedAt,
    openingChannel: doc.openingChannel,
    openedAtNode: doc.openedAtNode,
    agreement: doc.agreement,
  };
}

const PUBLIC_PROJECTION = { passwordHash: 0, _outbox: 0, _outboxCount: 0 } as const;

export function createLearnerRepository(connection: Connection, signal: OutboxSignal): LearnerStore {
  const learners = learnerModel(connection);
  const counters = counterModel(connection);

  return {
    async nextSerial(province) {
      const doc = await counters
        .findOneAndUpdate({ _id: `accountNo:${province}` }, { $inc: { seq: 1 } }, { upsert: true, new: true })
        .lean();
      if (!doc) throw new Error('counter upsert returned nothing');
      return doc.seq;
    },

    async insert(learner, secrets: LearnerSecrets, events: readonly OutgoingEvent[]) {
      const { accountNo, ...rest } = learner;
      try {
        await learners.create({ _id: accountNo, ...rest, ...secrets, ...outboxOnInsert(events) });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await learners.findOne({ idHash: learner.idHash }, { province: 1 }).lean();
        if (!existing) throw error;
        return { ok: false, existingProvince: existing.province };
      }
      signal.notify();
      return { ok: true };
    },

    async findByAccountNos(scope: TenantScope, accountNos) {
      const docs = await learners.find(scoped(scope, { _id: { $in: [...accountNos] } }), PUBLIC_PROJECTION).lean<LearnerDocument[]>();
      return docs.map(toLearner);
    },
  };
}
