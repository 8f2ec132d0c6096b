import { randomUUID } from 'node:crypto';
import { StaffUserCreated, createEvent } from '@creditbank/contracts';
import { BadInputError, ConflictError, ForbiddenError, isRole, isServiceNodeId, type CommandContext, freeText } from '@creditbank/kernel';
import { parseUscc } from '@creditbank/identity';
import { USERNAME_PATTERN, checkPassword, mayCreate, needsInstitution, type StaffRole, type StaffUser } from '../domain/staff-user';
import { actorOf, metaOf } from './event-meta';
import type { InstitutionStore, PasswordHasher, StaffStore } from './ports';

export interface CreateStaffUserInput {
  username: string;
  password: string;
  role: string;
  province: string;
  nodeId?: string | null;
  institutionCode?: string | null;
  displayName?: string | null;
}

export interface CreateStaffUserDeps {
  staff: StaffStore;
  institutions: InstitutionStore;
  passwords: PasswordHasher;
}

/**
 * Create a staff user for any role of DESIGN.md §4 but LEARNER. Platform admins create anyone; centre
 * admins create their province's working roles. Institution admins and partners are bound to a
 * registered institution of that province; operators name the node they will serve (the intake
 * network assigns them and the binding reaches their token through its events).
 */
export async function createStaffUser(deps: CreateStaffUserDeps, ctx: CommandContext, input: CreateStaffUserInput): Promise<StaffUser> {
  const caller = ctx.caller;
  if (caller.kind !== 'user') throw new ForbiddenError('Not allowed');
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw new BadInputError('Username must be 3 to 32 characters: a letter, then letters, digits, ".", "_" or "-"', 'input.username');
  }
  if (!isRole(input.role) || input.role === 'LEARNER') throw new BadInputError('Role must be a staff role', 'input.role');
  const role: StaffRole = input.role;
  if (!mayCreate(caller.role, role)) throw new ForbiddenError(`Not allowed to create ${role} users`);
  if (!/^[1-9][0-9]$/.test(input.province)) throw new BadInputError('Province must be a two-digit code', 'input.province');
  if (caller.role !== 'PLATFORM_ADMIN' && input.province !== caller.province) throw new ForbiddenError('Not allowed for that province');
  checkPassword(input.password, 'input.password', { minLength: 10, username });

  let institutionCode: string | null = null;
  if (needsInstitution(role)) {
    if (!input.institutionCode) throw new BadInputError(`${role} users must be bound to an institution`, 'input.institutionCode');
    institutionCode = parseUscc(input.institutionCode, 'input.institutionCode');
    const [inst] = await deps.institutions.findByCodes({ province: input.province }, [institutionCode]);
    if (!inst) throw new BadInputError('No registered institution with this code in that province', 'input.institutionCode');
    if (inst.status !== 'ACTIVE') throw new BadInputError('The institution is not active', 'input.institutionCode');
  } else if (input.institutionCode) {
    throw new BadInputError(`${role} users are not bound to an institution`, 'input.institutionCode');
  }
  let requestedNodeId: string | null = null;
  if (input.nodeId) {
    if (role !== 'INTAKE_OPERATOR') throw new BadInputError('Only intake operators are bound to a service node', 'input.nodeId');
    requestedNodeId = freeText(input.nodeId, 'input.nodeId', { max: 64 });
    if (requestedNodeId !== null && !isServiceNodeId(requestedNodeId))
      throw new BadInputError('Must be a service node id such as sn-330106001', 'input.nodeId');
  }
  const user: StaffUser = {
    id: `su-${randomUUID()}`,
    username,
    displayName: freeText(input.displayName, 'input.displayName', { max: 50 }),
    role,
    province: input.province,
    requestedNodeId,
    institutionCode,
    status: 'ACTIVE',
    createdAt: ctx.now,
    createdBy: actorOf(ctx),
  };
  const event = createEvent(
    StaffUserCreated,
    { userId: user.id, role, province: user.province, requestedNodeId, institutionCode, createdAt: ctx.now.toISOString() },
    metaOf(ctx, user.province),
  );
  if (!(await deps.staff.insert(user, await deps.passwords.hash(input.password), [event]))) {
    throw new ConflictError('This username is taken');
  }
  return user;
}
