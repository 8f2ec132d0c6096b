import { LearnerAccountOpened, createEvent } from '@creditbank/contracts';
import { ConflictError, ForbiddenError, makeAccountNo, type CommandContext } from '@creditbank/kernel';
import { idHash, maskPhone, maskResidentId, parseResidentId } from '@creditbank/identity';
import type { Learner } from '../domain/learner';
import { optionalPhone, optionalText, requireDivision, requireName, requireText } from '../domain/learner-input';
import type { LearnerStore, PasswordHasher } from './ports';

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
  generatePassword: () => string;
  idHashKey: string;
}

/**
 * An intake operator opens an account at their node (受理点开户): they have seen the ID card, so the
 * account is ACTIVE at once; the service agreement version and time are recorded; an initial
 * password is returned once.
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
  const name = requireName(input.name, 'input.name');
  const phone = optionalPhone(input.phone, 'input.phone');
  const adminDivision = requireDivision(input.adminDivision, 'input.adminDivision', caller.province);
  const agreementVersion = requireText(input.agreementVersion, 'input.agreementVersion', 32);
  const householdId = optionalText(input.householdId, 'input.householdId', 64);
  const educationLevel = optionalText(input.educationLevel, 'input.educationLevel', 50);
  const occupation = optionalText(input.occupation, 'input.occupation', 50);

  const accountNo = makeAccountNo(caller.province, await deps.learners.nextSerial(caller.province));
  const learner: Learner = {
    accountNo,
    province: caller.province,
    name,
    idHash: idHash(id.value, deps.idHashKey),
    idNumberMasked: maskResidentId(id.value),
    gender: id.gender,
    birthDate: id.birthDate,
    birthYear: id.birthYear,
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
  };
  const event = createEvent(
    LearnerAccountOpened,
    {
      accountNo,
      province: learner.province,
      adminDivision,
      gender: learner.gender,
      birthYear: learner.birthYear,
      householdId,
      channel: 'INTAKE_POINT',
      nodeId: caller.node,
      idHash: learner.idHash,
      status: 'ACTIVE',
      openedAt: ctx.now.toISOString(),
    },
    {
      province: learner.province,
      source: '/creditbank/account',
      time: ctx.now,
      requestId: ctx.requestId,
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    },
  );
  const initialPassword = deps.generatePassword();
  const stored = await deps.learners.insert(learner, { passwordHash: await deps.passwords.hash(initialPassword) }, [event]);
  if (!stored.ok) {
    throw new ConflictError(`This person already has a lifelong learning account (opened in province ${stored.existingProvince})`, {
      existingProvince: stored.existingProvince,
    });
  }
  return { learner, initialPassword };
}
