import { LearnerProfileUpdated, createEvent } from '@creditbank/contracts';
import {
  BadInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  canReadLearner,
  freeText,
  scopeOf,
  type CommandContext,
} from '@creditbank/kernel';
import { maskPhone } from '@creditbank/identity';
import type { AuditEntry, Learner } from '../domain/learner';
import { optionalPhone, requireDivision } from '../domain/learner-input';
import { actorOf, metaOf } from './event-meta';
import type { Keyed, LearnerChange, LearnerStore } from './ports';

export interface LearnerProfileInput {
  phone?: string | null;
  adminDivision?: string | null;
  householdId?: string | null;
  educationLevel?: string | null;
  occupation?: string | null;
}

type Field = 'phone' | 'adminDivision' | 'householdId' | 'educationLevel' | 'occupation';

/**
 * Profile changes by the learner themself or by staff of their province (operators, centre admins).
 * Every change is audited with masked before/after values; facts other services use are published.
 * A field left out is unchanged; a field given as null or "" is cleared (except the division).
 */
export async function updateLearnerProfile(
  deps: { learners: LearnerStore; keyed: Keyed },
  ctx: CommandContext,
  accountNo: string,
  input: LearnerProfileInput,
): Promise<Learner> {
  const caller = ctx.caller;
  if (!canReadLearner(caller, accountNo)) throw new NotFoundError('Learner');
  if (caller.kind !== 'user' || !['LEARNER', 'INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN'].includes(caller.role)) {
    throw new ForbiddenError('Not allowed for your role');
  }
  const [current] = await deps.learners.findByAccountNos(scopeOf(caller), [accountNo]);
  if (!current) throw new NotFoundError('Learner');
  if (current.status === 'CLOSED') throw new BadInputError('A closed account cannot be changed', 'accountNo');

  const set: LearnerChange['set'] = {};
  const changes: AuditEntry['changes'] = [];
  const changed: Field[] = [];
  const has = (k: Field) => Object.prototype.hasOwnProperty.call(input, k) && input[k] !== undefined;

  if (has('phone')) {
    const phone = optionalPhone(input.phone, 'input.phone');
    const masked = phone ? maskPhone(phone) : null;
    if (masked !== current.phoneMasked || phone !== null) {
      set.phone = phone;
      set.phoneHash = phone ? deps.keyed.phoneHash(phone) : null;
      set.phoneMasked = masked;
      changes.push({ field: 'phone', from: current.phoneMasked, to: masked });
      changed.push('phone');
    }
  }
  if (has('adminDivision')) {
    if (input.adminDivision === null || input.adminDivision === '')
      throw new BadInputError('Administrative division cannot be cleared', 'input.adminDivision');
    const division = requireDivision(input.adminDivision as string, 'input.adminDivision', current.province);
    if (division !== current.adminDivision) {
      set.adminDivision = division;
      changes.push({ field: 'adminDivision', from: current.adminDivision, to: division });
      changed.push('adminDivision');
    }
  }
  for (const [field, max] of [
    ['householdId', 64],
    ['educationLevel', 50],
    ['occupation', 50],
  ] as const) {
    if (!has(field)) continue;
    const value = freeText(input[field], `input.${field}`, { max });
    if (value !== current[field]) {
      set[field] = value;
      changes.push({ field, from: current[field], to: value });
      changed.push(field);
    }
  }
  if (changes.length === 0) return current;

  const after = { ...current, ...set };
  const publicChanges = changed.filter((f) => f !== 'phone');
  const events = publicChanges.length
    ? [
        createEvent(
          LearnerProfileUpdated,
          {
            accountNo,
            province: current.province,
            adminDivision: after.adminDivision,
            householdId: after.householdId,
            educationLevel: after.educationLevel,
            occupation: after.occupation,
            changed: publicChanges,
            updatedBy: actorOf(ctx),
            updatedAt: ctx.now.toISOString(),
          },
          metaOf(ctx, current.province),
        ),
      ]
    : [];
  const updated = await deps.learners.update(accountNo, current.version, {
    set,
    audit: { at: ctx.now, by: actorOf(ctx), action: 'PROFILE_UPDATED', reason: null, changes },
    events,
  });
  if (!updated) throw new ConflictError('The account changed at the same time; please try again');
  return updated;
}
