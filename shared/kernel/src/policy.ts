import type { Caller } from './caller';
import { ForbiddenError, UnauthenticatedError } from './errors';
import type { Role } from './roles';

/**
 * Declarative authorisation: each service states, for every root operation of its subgraph, who may
 * call it — the roles, the binding the token must carry (service node, institution, learner account),
 * and where the operation names a province, that it must be the caller's own. Anything not declared
 * is denied, and a subgraph refuses to start if an operation of its schema has no rule.
 * Data-dependent checks (is this learner in the caller's province?) stay in the use-cases.
 */
export type Binding = 'node' | 'inst' | 'acct';

export interface Rule {
  readonly public?: boolean;
  readonly roles?: readonly Role[];
  /** Claims the token must carry. */
  readonly requires?: readonly Binding[];
  /** The province the operation acts in, read from its arguments; must be the caller's (PLATFORM_ADMIN excepted). */
  readonly provinceOf?: (args: Record<string, unknown>) => unknown;
}

export type Policy = Readonly<Record<string, Rule>>;

/** Anyone, with or without a token. */
export const PUBLIC: Rule = Object.freeze({ public: true });

/** Any signed-in caller (the use-case narrows what they see). */
export const AUTHENTICATED: Rule = Object.freeze({
  roles: [
    'LEARNER',
    'INTAKE_OPERATOR',
    'INSTITUTION_ADMIN',
    'EXPERT',
    'UNIVERSITY_PARTNER',
    'CENTER_ADMIN',
    'ANALYST',
    'PLATFORM_ADMIN',
  ] as const,
});

export function allow(roles: readonly Role[], options: Omit<Rule, 'roles' | 'public'> = {}): Rule {
  return Object.freeze({ roles: [...roles], ...options });
}

/** Staff who work across a province's data. */
export const PROVINCE_STAFF: readonly Role[] = ['INTAKE_OPERATOR', 'CENTER_ADMIN', 'PLATFORM_ADMIN'];

export function authorize(caller: Caller, rule: Rule | undefined, args: Record<string, unknown> = {}): void {
  if (!rule) throw new ForbiddenError('Not allowed');
  if (rule.public) return;
  if (caller.kind !== 'user') throw new UnauthenticatedError();
  if (!rule.roles?.includes(caller.role)) throw new ForbiddenError('Not allowed for your role');
  for (const binding of rule.requires ?? []) {
    if (!caller[binding])
      throw new ForbiddenError(
        `Your token is not bound to ${binding === 'node' ? 'a service node' : binding === 'inst' ? 'an institution' : 'a learner account'}`,
      );
  }
  if (rule.provinceOf && caller.role !== 'PLATFORM_ADMIN') {
    const province = rule.provinceOf(args);
    if (province !== undefined && province !== null && province !== caller.province) {
      throw new ForbiddenError('Not allowed for that province');
    }
  }
}
