import { describe, expect, it } from 'vitest';
import {
  ERROR_CATALOGUE,
  GrpcStatus,
  grpcStatusOf,
  httpStatusOf,
  invalid,
  KilnError,
  toKilnError,
} from './errors.js';

describe('error catalogue', () => {
  it('maps every code to an HTTP status and a gRPC status', () => {
    const grpcCodes = new Set<number>(Object.values(GrpcStatus));
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(spec.http, code).toBeGreaterThanOrEqual(400);
      expect(spec.http, code).toBeLessThan(600);
      expect(grpcCodes.has(spec.grpc), code).toBe(true);
      expect(spec.summary.length, code).toBeGreaterThan(5);
    }
    expect(httpStatusOf('MODEL_NOT_FOUND')).toBe(404);
    expect(grpcStatusOf('MODEL_NOT_FOUND')).toBe(GrpcStatus.NOT_FOUND);
    expect(httpStatusOf('MODEL_EXISTS')).toBe(409);
    expect(httpStatusOf('UNAUTHENTICATED')).toBe(401);
    expect(httpStatusOf('PERMISSION_DENIED')).toBe(403);
  });

  it('serialises as {code, message, details}', () => {
    const e = new KilnError('INVALID_NAME', 'bad', { field: 'name' });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      code: 'INVALID_NAME',
      message: 'bad',
      details: { field: 'name' },
    });
  });

  it('says what field, what was expected and what came', () => {
    const e = invalid('version', 'a positive integer', -1);
    expect(e.message).toBe('version: expected a positive integer, got -1');
    expect(e.details).toMatchObject({ field: 'version' });
  });

  it('wraps unknown errors as INTERNAL, keeping KilnErrors as they are', () => {
    const k = new KilnError('CONFLICT', 'x');
    expect(toKilnError(k)).toBe(k);
    expect(toKilnError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });
});
