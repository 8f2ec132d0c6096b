import { LearnerAccountOpened, createEvent } from '@creditbank/contracts';
import { ConflictError, ForbiddenError, makeAccountNo, type CommandContext, freeText } from '@creditbank/kernel';
import { maskName, maskPhone, maskResidentId, parseResidentId } from '@creditbank/identity';
import type { Learner } from '../domain/learner';
import { optionalPhone, requireDivision, NAME_RULES } from '../domain/learner-input';
import { actorOf, learnerFacts, metaOf } from './event-meta';
import type { Keyed, LearnerStore, NewLearner, PasswordHasher } from './ports';

export interface OpenLearnerAccountInput {
  idNumber: string;
  name: string;
  phone?: string | null;
  adminDivision: string;
  agreementVersion: string;
  householdId?: string | null;
  educationLevel?: string | null;
  occupation?: string | null;
}

export interface OpenLearnerAccountDeps {
  learners: LearnerStore;
  passwords: PasswordHasher;
  keyed: Keyed;
  generatePassword: () => string;
}

/**
 * An intake operator opens an account at their node (受理点开户): they have seen the ID card, so the
 * account is ACTIVE at once; the service agreement version and time are recorded; an initial
 * password is returned once and only its hash is kept.
 */
export async function openLearnerAccount(
  deps: OpenLearnerAccountDeps,
  ctx: CommandContext,
  input: OpenLearnerAccountInput,
): Promise<{ learner: Learner; initialPassword: string }> {
  const caller = ctx.caller;
  if (caller.kind !== 'user' || caller.role !== 'INTAKE_OPERATOR' || !caller.node) {
    throw new ForbiddenError('Only an intake operator bound to a service node may open accounts');
  }
  const id = parseResidentId(input.idNumber, 'input.idNumber', ctx.now);
  const name = freeText(input.name, 'input.name', NAME_RULES);
  const phone = optionalPhone(input.phone, 'input.phone');
  const adminDivision = requireDivision(input.adminDivision, 'input.adminDivision', caller.province);
  const agreementVersion = freeText(input.agreementVersion, 'input.agreementVersion', { max: 32, required: true });
  const householdId = freeText(input.householdId, 'input.householdId', { max: 64 });
  const educationLevel = freeText(input.educationLevel, 'input.educationLevel', { max: 50 });
  const occupation = freeText(input.occupation, 'input.occupation', { max: 50 });

  const accountNo = makeAccountNo(caller.province, await deps.learners.nextSerial(caller.province));
  const initialPassword = deps.generatePassword();
  const record: NewLearner = {
    accountNo,
    province: caller.province,
    name,
    idNumber: id.value,
    idHash: deps.keyed.idHash(id.value),
    idNumberMasked: maskResidentId(id.value),
    gender: id.gender,
    birthDate: id.birthDate,
    birthYear: id.birthYear,
    phone,
    phoneHash: phone ? deps.keyed.phoneHash(phone) : null,
    phoneMasked: phone ? maskPhone(phone) : null,
    adminDivision,
    householdId,
    educationLevel,
    occupation,
    status: 'ACTIVE',
    openedAt: ctx.now,
    openingChannel: 'INTAKE_POINT',
    openedAtNode: caller.node,
    agreement: { version: agreementVersion, acceptedAt: ctx.now },
    passwordHash: await deps.passwords.hash(initialPassword),
    history: [{ at: ctx.now, by: actorOf(ctx), action: 'OPENED', reason: `intake point ${caller.node}`, changes: [] }],
    nextVerificationAt: null,
  };
  const event = createEvent(
    LearnerAccountOpened,
    { ...learnerFacts({ ...record }), status: 'ACTIVE', openedAt: ctx.now.toISOString(), nameMasked: maskName(name) },
    metaOf(ctx, record.province),
  );
  const stored = await deps.learners.insert(record, [event]);
  if (!stored.ok) {
    throw new ConflictError(`This person already has a lifelong learning account (opened in province ${stored.existingProvince})`, {
      existingProvince: stored.existingProvince,
    });
  }
  return { learner: stored.learner, initialPassword };
}
