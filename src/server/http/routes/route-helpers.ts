/**
 * @module server/http/routes/route-helpers
 * Small helpers shared by route modules.
 */
import type { FastifyRequest } from 'fastify';
import { KilnError } from '../../../core/errors.js';
import type { Actor } from '../../../govern/auth/roles.js';

/** The authenticated actor; the access hook guarantees one on every non-open route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new KilnError('UNAUTHENTICATED', 'this route needs a token');
  return request.actor;
}

/** Parses a path segment that must be a version number. */
export function versionParam(v: string): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) {
    throw new KilnError('INVALID_ARGUMENT', `version: expected a positive integer, got "${v.slice(0, 40)}"`, {
      field: 'version',
    });
  }
  return Number(v);
}
