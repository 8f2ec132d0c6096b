import type { CommandContext } from '@creditbank/kernel';
import type { StaffUser } from '../domain/staff-user';
import { createStaffUser, type CreateStaffUserDeps } from './create-staff-user.use-case';

export interface BootstrapAdmin {
  username: string;
  password: string;
  role: 'PLATFORM_ADMIN' | 'CENTER_ADMIN';
  province: string;
  displayName?: string;
}

/**
 * Create the first PLATFORM_ADMIN and per-province CENTER_ADMINs (first deployment of a province).
 * Idempotent: users that exist are left as they are.
 */
export async function bootstrapAdmins(
  deps: CreateStaffUserDeps,
  admins: readonly BootstrapAdmin[],
  now: Date,
): Promise<Array<{ username: string; created: boolean }>> {
  const ctx: CommandContext = {
    caller: { kind: 'user', sub: 'bootstrap', role: 'PLATFORM_ADMIN', province: '11' },
    requestId: 'bootstrap',
    now,
  };
  const out: Array<{ username: string; created: boolean }> = [];
  for (const admin of admins) {
    const existing = await deps.staff.findByUsername(admin.username.toLowerCase());
    if (existing) {
      out.push({ username: existing.username, created: false });
      continue;
    }
    const user: StaffUser = await createStaffUser(deps, ctx, { ...admin });
    out.push({ username: user.username, created: true });
  }
  return out;
}
