/**
 * @module core/errors
 * One catalogue of Kiln's error codes. Services throw `KilnError(code, message, details)`; only the
 * transports (REST, gRPC, CLI) translate a code into an HTTP status, a gRPC status or an exit code,
 * through {@link httpStatusOf} and {@link grpcStatusOf}. Codes are stable: clients may match on them.
 */

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html), by name. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

interface CodeSpec {
  readonly http: number;
  readonly grpc: number;
  readonly summary: string;
}

const G = GrpcStatus;

/** Every error code Kiln emits, with its HTTP status, gRPC status and a one-line meaning. */
export const ERROR_CATALOGUE = {
  // generic input
  INVALID_ARGUMENT: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A request field has a bad value' },
  INVALID_NAME: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A name breaks the naming rule' },
  INVALID_JSON: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'The body is not valid JSON' },
  INVALID_FILTER: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A search filter does not parse' },
  INVALID_PAGE_TOKEN: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A pagination token is not valid' },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: G.RESOURCE_EXHAUSTED, summary: 'A body or file is over its limit' },
  // configuration and workspace
  CONFIG_INVALID: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'Configuration has a bad key or value' },
  WORKSPACE_NOT_FOUND: { http: 400, grpc: G.FAILED_PRECONDITION, summary: 'No Kiln workspace here' },
  WORKSPACE_EXISTS: { http: 409, grpc: G.ALREADY_EXISTS, summary: 'A workspace already exists here' },
  // registry
  MODEL_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No registered model by that name' },
  MODEL_VERSION_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No such version of the model' },
  ALIAS_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No such alias on the model' },
  MODEL_EXISTS: { http: 409, grpc: G.ALREADY_EXISTS, summary: 'A model by that name already exists' },
  MODEL_VERSION_IN_USE: { http: 409, grpc: G.FAILED_PRECONDITION, summary: 'An alias still points here' },
  MODEL_VERSION_NOT_READY: { http: 409, grpc: G.FAILED_PRECONDITION, summary: 'The version is not READY' },
  INVALID_MODEL: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'The model file is not acceptable' },
  INVALID_FEATURE_SCHEMA: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'The feature schema is bad' },
  DATASET_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No such dataset or dataset version' },
  WEBHOOK_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No such webhook' },
  // deployments and serving
  DEPLOYMENT_NOT_FOUND: {
    http: 404,
    grpc: G.NOT_FOUND,
    summary: 'No deployment (served model) by that name',
  },
  DEPLOYMENT_EXISTS: { http: 409, grpc: G.ALREADY_EXISTS, summary: 'A deployment by that name exists' },
  DEPLOYMENT_NOT_READY: {
    http: 503,
    grpc: G.UNAVAILABLE,
    summary: 'The deployment is loading or failed to load',
  },
  INVALID_DEPLOYMENT: {
    http: 400,
    grpc: G.INVALID_ARGUMENT,
    summary: 'Deployment settings do not fit the model',
  },
  QUEUE_FULL: { http: 503, grpc: G.UNAVAILABLE, summary: 'The request queue is full; retry later' },
  REQUEST_TIMEOUT: {
    http: 503,
    grpc: G.DEADLINE_EXCEEDED,
    summary: 'The request waited longer than its timeout',
  },
  // data: pipelines, sources, expectations, datasets
  PIPELINE_SPEC_INVALID: {
    http: 400,
    grpc: G.INVALID_ARGUMENT,
    summary: 'A pipeline spec has a bad key or value',
  },
  PIPELINE_RUN_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No pipeline run with that id' },
  SOURCE_NOT_FOUND: { http: 400, grpc: G.NOT_FOUND, summary: 'A data source file or glob matched nothing' },
  SOURCE_UNREADABLE: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A data source could not be parsed' },
  SOURCE_UNREACHABLE: {
    http: 502,
    grpc: G.UNAVAILABLE,
    summary: 'A remote data source could not be reached',
  },
  COLUMN_NOT_FOUND: {
    http: 400,
    grpc: G.INVALID_ARGUMENT,
    summary: 'A step or check names a missing column',
  },
  CAST_FAILED: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A value could not be cast to its type' },
  STEP_FAILED: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A pipeline step failed on the data' },
  SUITE_INVALID: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'An expectation suite is not valid' },
  VALIDATION_FAILED: { http: 422, grpc: G.FAILED_PRECONDITION, summary: 'Data failed its expectation suite' },
  // monitoring
  MONITOR_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No monitor by that name' },
  MONITOR_EXISTS: { http: 409, grpc: G.ALREADY_EXISTS, summary: 'A monitor by that name exists' },
  DRIFT_INPUT_INVALID: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'Drift inputs cannot be compared' },
  // artifacts
  ARTIFACT_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No artifact with that digest' },
  ARTIFACT_CORRUPT: { http: 500, grpc: G.DATA_LOSS, summary: 'Stored bytes do not match their digest' },
  INVALID_DIGEST: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'Not a SHA-256 hex digest' },
  // jobs
  JOB_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No such job' },
  JOB_NOT_CANCELLABLE: { http: 409, grpc: G.FAILED_PRECONDITION, summary: 'The job already finished' },
  UNKNOWN_JOB_TYPE: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'No handler for that job type' },
  INVALID_CRON: { http: 400, grpc: G.INVALID_ARGUMENT, summary: 'A cron expression does not parse' },
  // audit
  AUDIT_EVENT_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No audit event with that seq' },
  AUDIT_TAMPERED: { http: 500, grpc: G.DATA_LOSS, summary: 'The audit log fails verification' },
  AUDIT_IMMUTABLE: { http: 409, grpc: G.FAILED_PRECONDITION, summary: 'Audit events cannot change' },
  // access
  UNAUTHENTICATED: { http: 401, grpc: G.UNAUTHENTICATED, summary: 'No valid token was given' },
  PERMISSION_DENIED: { http: 403, grpc: G.PERMISSION_DENIED, summary: "The token's role is too low" },
  TOKEN_NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No token by that name' },
  TOKEN_EXISTS: { http: 409, grpc: G.ALREADY_EXISTS, summary: 'A token by that name exists' },
  URL_NOT_ALLOWED: { http: 400, grpc: G.PERMISSION_DENIED, summary: 'The URL is not in network.allow' },
  PATH_NOT_ALLOWED: { http: 403, grpc: G.PERMISSION_DENIED, summary: 'The path is outside data.roots' },
  // transport and server
  NOT_FOUND: { http: 404, grpc: G.NOT_FOUND, summary: 'No such route or resource' },
  UNSUPPORTED: { http: 501, grpc: G.UNIMPLEMENTED, summary: 'Not supported' },
  UNAVAILABLE: { http: 503, grpc: G.UNAVAILABLE, summary: 'Temporarily unavailable; retry' },
  CONFLICT: { http: 409, grpc: G.ABORTED, summary: 'A concurrent change conflicted' },
  REMOTE_ERROR: { http: 502, grpc: G.UNAVAILABLE, summary: 'A remote Kiln server failed' },
  INTERNAL: { http: 500, grpc: G.INTERNAL, summary: 'An internal error' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Free-form, JSON-serialisable context: the field, what was expected, what came. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** The one error type Kiln's services throw. `code` is stable; `message` is for humans. */
export class KilnError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KilnError';
    this.code = code;
    this.details = details;
  }

  /** The `/api/v1` error body. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isKilnError(e: unknown): e is KilnError {
  return e instanceof KilnError;
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].http;
}

export function grpcStatusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].grpc;
}

/** Wraps anything thrown into a KilnError; unknown errors become INTERNAL with the cause kept. */
export function toKilnError(e: unknown): KilnError {
  if (e instanceof KilnError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new KilnError('INTERNAL', message, {}, { cause: e });
}

/** Short form for the common "field X: expected Y, got Z" message. */
export function invalid(
  field: string,
  expected: string,
  got: unknown,
  code: ErrorCode = 'INVALID_ARGUMENT',
): KilnError {
  const shown = typeof got === 'string' ? JSON.stringify(got) : describeValue(got);
  return new KilnError(code, `${field}: expected ${expected}, got ${shown}`, { field, expected, got: shown });
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    const s = JSON.stringify(v);
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return typeof v;
  }
}
