import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode, KilnError } from '../../core/errors.js';
import { INTERNAL_ERROR_DETAILS, KILN_ERROR_CODE_KEY, toGrpcFailure } from './grpc-errors.js';

describe('toGrpcFailure', () => {
  it('maps every catalogue code to its gRPC status, keeping the message and the code', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
      const { error, code: kept } = toGrpcFailure(new KilnError(code, `message for ${code}`));
      expect(error.code, code).toBe(ERROR_CATALOGUE[code].grpc);
      expect(error.details).toBe(`message for ${code}`);
      expect(error.metadata?.get(KILN_ERROR_CODE_KEY)).toEqual([code]);
      expect(kept).toBe(code);
    }
  });

  it('spells out the statuses clients match on', () => {
    const statusOf = (code: ErrorCode) => toGrpcFailure(new KilnError(code, 'x')).error.code;
    expect(statusOf('DEPLOYMENT_NOT_FOUND')).toBe(status.NOT_FOUND);
    expect(statusOf('INVALID_ARGUMENT')).toBe(status.INVALID_ARGUMENT);
    expect(statusOf('PAYLOAD_TOO_LARGE')).toBe(status.RESOURCE_EXHAUSTED);
    expect(statusOf('UNAUTHENTICATED')).toBe(status.UNAUTHENTICATED);
    expect(statusOf('PERMISSION_DENIED')).toBe(status.PERMISSION_DENIED);
    expect(statusOf('DEPLOYMENT_NOT_READY')).toBe(status.UNAVAILABLE);
  });

  it('turns anything else into INTERNAL with a fixed message, flagged for the server log', () => {
    const failure = toGrpcFailure(new TypeError('cannot read x of undefined at /srv/secret/path.js'));
    expect(failure.error.code).toBe(status.INTERNAL);
    expect(failure.error.details).toBe(INTERNAL_ERROR_DETAILS);
    expect(failure.serverFault).toBe(true);
    expect(toGrpcFailure('a string').error.details).toBe(INTERNAL_ERROR_DETAILS);
  });

  it("flags only the server's own failures for logging", () => {
    expect(toGrpcFailure(new KilnError('INVALID_ARGUMENT', 'x')).serverFault).toBe(false);
    expect(toGrpcFailure(new KilnError('INTERNAL', 'x')).serverFault).toBe(true);
    expect(toGrpcFailure(new KilnError('ARTIFACT_CORRUPT', 'x')).serverFault).toBe(true);
  });
});
