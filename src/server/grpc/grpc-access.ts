/**
 * @module server/grpc/grpc-access
 * Who may call what over gRPC. A token travels in the call metadata as
 * `authorization: Bearer <token>`, as REST sends it in the header of that name. The caller's role
 * must be at least the one the RPC needs. The token itself is never put in a message or a log line.
 */
import type { Metadata } from '@grpc/grpc-js';
import { isKilnError, KilnError } from '../../core/errors.js';
import { type Actor, type Role, roleAtLeast } from '../../govern/auth/roles.js';

/** Resolves a presented token to its actor; throws KilnError UNAUTHENTICATED for a bad token. */
export type Authenticate = (token: string) => Promise<Actor>;

/** What an RPC needs: a role, or `open` (no token). */
export type RpcAccess = Role | 'open';

/**
 * The token in `authorization: Bearer <token>` metadata.
 * @throws KilnError UNAUTHENTICATED when the metadata is missing or not of that form.
 */
export function bearerToken(metadata: Metadata): string {
  const values = metadata.get('authorization');
  if (values.length === 0) {
    throw new KilnError(
      'UNAUTHENTICATED',
      'this call needs a token: send metadata "authorization: Bearer <token>"',
    );
  }
  const value = values[0];
  const m = typeof value === 'string' && values.length === 1 ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  if (!m) {
    throw new KilnError('UNAUTHENTICATED', 'the authorization metadata must be one value "Bearer <token>"');
  }
  return m[1]!;
}

/**
 * Checks that the call may run `rpc`; returns the actor, or null for an open RPC.
 * @throws KilnError UNAUTHENTICATED (no or bad token), PERMISSION_DENIED (role too low); a plain
 *   Error, with the token taken out of its message, when `authenticate` itself failed.
 */
export async function authorize(
  metadata: Metadata,
  need: RpcAccess,
  authenticate: Authenticate,
  rpc: string,
): Promise<Actor | null> {
  if (need === 'open') return null;
  const token = bearerToken(metadata);
  let actor: Actor;
  try {
    actor = await authenticate(token);
  } catch (e) {
    if (isKilnError(e)) throw e;
    // A failure of the check itself (the store is down) is the server's to log, and its message
    // may quote what it was given: take the token out, and drop the original (it holds it too).
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`checking a token failed: ${message.replaceAll(token, '[redacted]')}`);
  }
  if (!roleAtLeast(actor.role, need)) {
    throw new KilnError(
      'PERMISSION_DENIED',
      `${rpc} needs the ${need} role; token "${actor.name}" has ${actor.role}`,
      { required: need, role: actor.role },
    );
  }
  return actor;
}
