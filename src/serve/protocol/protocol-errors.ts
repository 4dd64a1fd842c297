/**
 * @module serve/protocol/protocol-errors
 * How the protocol codecs report bad requests: always a KilnError (INVALID_ARGUMENT unless said
 * otherwise) whose message names the field, what was expected and what came, and whose
 * `details.reason` is a stable, finer code than the error code (`element_count`, `out_of_range`…).
 *
 * Values are described shallowly: a request may hold arrays nested 10,000 deep, so nothing here
 * recurses into what it shows.
 */
import { type ErrorCode, KilnError } from '../../core/errors.js';

const MAX_SHOWN_CHARS = 60;
const MAX_SHOWN_DIMS = 16;

/** A short, safe rendering of any value for an error message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > MAX_SHOWN_CHARS ? `${v.slice(0, MAX_SHOWN_CHARS)}…` : v);
    return `the string ${s}`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** `[1,16]`; shapes of many dimensions are cut short so messages stay readable. */
export function formatShape(shape: readonly unknown[]): string {
  const shown = shape
    .slice(0, MAX_SHOWN_DIMS)
    .map((d) => (typeof d === 'number' ? String(d) : describeValue(d)));
  return `[${shown.join(',')}${shape.length > MAX_SHOWN_DIMS ? `,… (${shape.length} dims)` : ''}]`;
}

/** The fields every protocol error carries in `details`. */
export interface ProtocolErrorDetails {
  /** The field the message is about: `inputs[0].shape`, `Inference-Header-Content-Length`. */
  readonly field: string;
  /** A stable sub-code clients and tests may match on. */
  readonly reason: string;
  readonly [key: string]: unknown;
}

/** An INVALID_ARGUMENT (or the given code) with the message as written and the details given. */
export function protocolError(
  message: string,
  details: ProtocolErrorDetails,
  code: ErrorCode = 'INVALID_ARGUMENT',
): KilnError {
  return new KilnError(code, message, details);
}

/** `input "INPUT0"` when the name is known, else `inputs[3]`. */
export function tensorLabel(role: 'input' | 'output', name: unknown, index?: number): string {
  if (typeof name === 'string') return `${role} ${JSON.stringify(name)}`;
  return index === undefined ? role : `${role}s[${index}]`;
}
