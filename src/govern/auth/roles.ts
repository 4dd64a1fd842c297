/**
 * @module govern/auth/roles
 * Kiln's roles, ordered: each role can do everything the roles below it can.
 * viewer reads; predictor calls inference; engineer registers models, runs pipelines, creates
 * monitors; deployer moves aliases and changes deployments; admin manages tokens, exports the audit
 * log, erases data and changes configuration.
 */
import { invalid } from '../../core/errors.js';

export const ROLES = ['viewer', 'predictor', 'engineer', 'deployer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function parseRole(v: unknown, field = 'role'): Role {
  if (!isRole(v)) throw invalid(field, `one of ${ROLES.join(', ')}`, v);
  return v;
}

/** True when `have` is at least `need`. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Who is acting: the name of the token (the audit log's actor) and its role. */
export interface Actor {
  readonly name: string;
  readonly role: Role;
}

/** The actor for work Kiln starts itself (scheduled jobs, migrations). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ name: 'system', role: 'admin' });
