/**
 * @module server/grpc/grpc-errors
 * What a failed RPC answers: a KilnError becomes the gRPC status the error catalogue gives its code
 * (`grpcStatusOf`), with its message as the status details and its code in the trailing metadata
 * `kiln-error-code` (stable, for clients that match on it). Anything else is a bug: the client gets
 * INTERNAL with a fixed message, and the server log gets the error — its message and stack may name
 * files, queries or values that are not the caller's business.
 */
import { Metadata, type ServerErrorResponse, status } from '@grpc/grpc-js';
import { type ErrorCode, grpcStatusOf, isKilnError } from '../../core/errors.js';

/** Trailing metadata key carrying the KilnError code. */
export const KILN_ERROR_CODE_KEY = 'kiln-error-code';

/** What a client is told when the server failed in a way it did not foresee. */
export const INTERNAL_ERROR_DETAILS = 'internal error; see the server log';

/** A gRPC error answer, and whether the server should log it as its own failure. */
export interface GrpcFailure {
  readonly error: ServerErrorResponse;
  /** True for unexpected errors and server-side codes (INTERNAL, DATA_LOSS, UNKNOWN). */
  readonly serverFault: boolean;
  /** The catalogue code, INTERNAL for an unknown error. */
  readonly code: ErrorCode;
}

const SERVER_FAULTS: ReadonlySet<number> = new Set([status.INTERNAL, status.DATA_LOSS, status.UNKNOWN]);

/** Translates anything thrown by a handler into the status the client receives. */
export function toGrpcFailure(e: unknown): GrpcFailure {
  const known = isKilnError(e);
  const code: ErrorCode = known ? e.code : 'INTERNAL';
  const grpcCode = grpcStatusOf(code) as status;
  const details = known ? e.message : INTERNAL_ERROR_DETAILS;
  const metadata = new Metadata();
  metadata.set(KILN_ERROR_CODE_KEY, code);
  const error = Object.assign(new Error(details), { code: grpcCode, details, metadata });
  return { error, serverFault: !known || SERVER_FAULTS.has(grpcCode), code };
}
