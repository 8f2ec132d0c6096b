import { LearnerAccountOpened, createEvent } from '@creditbank/contracts';
import { BadInputError, ConflictError, makeAccountNo, type CommandContext, freeText } from '@creditbank/kernel';
import { maskName, maskPhone, maskResidentId, parseResidentId } from '@creditbank/identity';
import type { Learner } from '../domain/learner';
import { requireDivision, requirePhone, NAME_RULES } from '../domain/learner-input';
import { checkPassword } from '../domain/staff-user';
import { learnerFacts, metaOf } from './event-meta';
import type { IdentityVerifier, Keyed, LearnerStore, NewLearner, PasswordHasher } from './ports';

export interface RegisterLearnerInput {
  idNumber: string;
  name: string;
  phone: string;
  password: string;
  adminDivision: string;
  householdId?: string | null;
  educationLevel?: string | null;
  occupation?: string | null;
  agreementVersion?: string | null;
}

export interface RegisterLearnerDeps {
  learners: LearnerStore;
  passwords: PasswordHasher;
  keyed: Keyed;
  verifier: IdentityVerifier;
  /** First retry of an undecided verification after this many ms (then backing off). */
  retryBaseMs: number;
  agreementVersion: string;
}

/**
 * Online self-registration (网上开户). The real-name check decides: a match opens an ACTIVE account;
 * a mismatch stores nothing; an unreachable or slow service stores the account as
 * PENDING_VERIFICATION, to be decided in the background.
 */
export async function registerLearnerOnline(deps: RegisterLearnerDeps, ctx: CommandContext, input: RegisterLearnerInput): Promise<Learner> {
  const id = parseResidentId(input.idNumber, 'input.idNumber', ctx.now);
  const name = freeText(input.name, 'input.name', NAME_RULES);
  const phone = requirePhone(input.phone, 'input.phone');
  checkPassword(input.password, 'input.password', { minLength: 8 });
  const adminDivision = requireDivision(input.adminDivision, 'input.adminDivision');
  const householdId = freeText(input.householdId, 'input.householdId', { max: 64 });
  const educationLevel = freeText(input.educationLevel, 'input.educationLevel', { max: 50 });
  const occupation = freeText(input.occupation, 'input.occupation', { max: 50 });
  const agreementVersion = freeText(input.agreementVersion, 'input.agreementVersion', { max: 32 }) ?? deps.agreementVersion;
  // The account belongs to the province of residence.
  const province = adminDivision.slice(0, 2);

  const idHash = deps.keyed.idHash(id.value);
  const existing = await deps.learners.findByIdHash({ all: true }, idHash);
  if (existing) {
    throw new ConflictError(`This person already has a lifelong learning account (opened in province ${existing.province})`, {
      existingProvince: existing.province,
    });
  }

  const check = await deps.verifier.verify(id.value, name);
  if (check.result === 'mismatch') {
    throw new BadInputError('Name and ID number do not match the real-name records', 'input.idNumber', { reason: 'identity-mismatch' });
  }
  const status = check.result === 'match' ? 'ACTIVE' : 'PENDING_VERIFICATION';

  const accountNo = makeAccountNo(province, await deps.learners.nextSerial(province));
  const record: NewLearner = {
    accountNo,
    province,
    name,
    idNumber: id.value,
    idHash,
    idNumberMasked: maskResidentId(id.value),
    gender: id.gender,
    birthDate: id.birthDate,
    birthYear: id.birthYear,
    phone,
    phoneHash: deps.keyed.phoneHash(phone),
    phoneMasked: maskPhone(phone),
    adminDivision,
    householdId,
    educationLevel,
    occupation,
    status,
    openedAt: ctx.now,
    openingChannel: 'ONLINE',
    openedAtNode: null,
    agreement: { version: agreementVersion, acceptedAt: ctx.now },
    passwordHash: await deps.passwords.hash(input.password),
    history: [
      {
        at: ctx.now,
        by: accountNo,
        action: 'OPENED',
        reason:
          status === 'ACTIVE' ? 'online, identity verified' : `online, verification pending (${check.detail ?? 'service unavailable'})`,
        changes: [],
      },
    ],
    nextVerificationAt: status === 'ACTIVE' ? null : new Date(ctx.now.getTime() + deps.retryBaseMs),
  };
  const event = createEvent(
    LearnerAccountOpened,
    { ...learnerFacts(record), status, openedAt: ctx.now.toISOString(), nameMasked: maskName(name) },
    metaOf(ctx, province),
  );
  const stored = await deps.learners.insert(record, [event]);
  if (!stored.ok) {
    throw new ConflictError(`This person already has a lifelong learning account (opened in province ${stored.existingProvince})`, {
      existingProvince: stored.existingProvince,
    });
  }
  return stored.learner;
}
