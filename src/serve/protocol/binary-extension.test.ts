import { describe, expect, it } from 'vitest';
import {
  buildBinaryBody,
  headerValue,
  readBinaryDataSize,
  readInferenceHeaderLength,
  sliceBinaryBlobs,
} from './binary-extension.js';
import { kilnErrorOf } from './test-support/wire.js';

const lengthOf = (value: string | string[], bodyLength = 100) =>
  readInferenceHeaderLength({ 'Inference-Header-Content-Length': value }, bodyLength);

describe('readInferenceHeaderLength', () => {
  it('reads the header in any case, and undefined when it is absent', () => {
    expect(readInferenceHeaderLength({ 'inference-header-content-length': '42' }, 100)).toBe(42);
    expect(readInferenceHeaderLength({ 'INFERENCE-HEADER-CONTENT-LENGTH': ' 7 ' }, 100)).toBe(7);
    expect(readInferenceHeaderLength({ 'content-type': 'application/json' }, 100)).toBeUndefined();
    expect(lengthOf('0')).toBe(0);
    expect(lengthOf('100')).toBe(100);
    expect(headerValue({ A: undefined, a: 'x' }, 'a')).toBe('x');
  });

  it('refuses negative, non-numeric, fractional and repeated values', () => {
    for (const bad of ['-5', 'abc', '1.5', '', '1e3', '0x10', '+3']) {
      const e = kilnErrorOf(() => lengthOf(bad));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.details).toMatchObject({
        field: 'Inference-Header-Content-Length',
        reason: 'bad_header_length',
      });
    }
    expect(kilnErrorOf(() => lengthOf('-5')).message).toBe(
      `Inference-Header-Content-Length: expected a non-negative integer (the JSON header's length in bytes), got the string "-5"`,
    );
    expect(kilnErrorOf(() => lengthOf(['1', '2'])).message).toContain('got 2 values');
  });

  it('refuses a length larger than the body', () => {
    const e = kilnErrorOf(() => lengthOf('500', 120));
    expect(e.message).toBe('Inference-Header-Content-Length: 500 is larger than the body (120 bytes)');
    expect(e.details.reason).toBe('header_length_beyond_body');
    expect(kilnErrorOf(() => lengthOf('99999999999999999999999')).details.reason).toBe('bad_header_length');
  });
});

describe('readBinaryDataSize', () => {
  it('reads a non-negative integer and nothing when absent', () => {
    expect(readBinaryDataSize({ binary_data_size: 16 }, 'input "a"', 'inputs[0]')).toBe(16);
    expect(readBinaryDataSize({}, 'input "a"', 'inputs[0]')).toBeUndefined();
  });

  it('refuses anything else, naming the input', () => {
    for (const bad of [-1, 1.5, '16', true, 2n ** 70n]) {
      const e = kilnErrorOf(() => readBinaryDataSize({ binary_data_size: bad }, 'input "a"', 'inputs[0]'));
      expect(e.message).toMatch(
        /^input "a": parameters\.binary_data_size expected a non-negative integer, got /,
      );
      expect(e.details.field).toBe('inputs[0].parameters.binary_data_size');
    }
  });
});

describe('sliceBinaryBlobs', () => {
  const slot = (label: string, size: number) => ({ label, field: 'inputs', size });

  it('cuts the blobs in order', () => {
    const pieces = sliceBinaryBlobs(new Uint8Array([1, 2, 3, 4, 5]), [
      slot('a', 2),
      slot('b', 0),
      slot('c', 3),
    ]);
    expect(pieces.map((p) => [...p])).toEqual([[1, 2], [], [3, 4, 5]]);
  });

  it('refuses a truncated body and bytes no input claims', () => {
    const short = kilnErrorOf(() =>
      sliceBinaryBlobs(new Uint8Array(10), [slot('input "a"', 8), slot('input "b"', 8)]),
    );
    expect(short.message).toBe(
      'binary body: the inputs announce 16 bytes of binary data (input "a" 8, input "b" 8), but 10 bytes follow the JSON header: the body is truncated',
    );
    expect(short.details.reason).toBe('binary_truncated');
    const extra = kilnErrorOf(() => sliceBinaryBlobs(new Uint8Array(3), []));
    expect(extra.message).toBe(
      'binary body: the inputs announce 0 bytes of binary data (no input), but 3 bytes follow the JSON header',
    );
    expect(extra.details.reason).toBe('binary_extra_bytes');
  });
});

describe('buildBinaryBody', () => {
  it('puts the JSON header first and reports its length in bytes, not characters', () => {
    const { body, headerLength } = buildBinaryBody('{"é":1}', [new Uint8Array([9, 8]), new Uint8Array([7])]);
    expect(headerLength).toBe(8); // 7 characters, "é" is 2 bytes
    expect(body.subarray(0, headerLength).toString('utf8')).toBe('{"é":1}');
    expect([...body.subarray(headerLength)]).toEqual([9, 8, 7]);
  });
});
