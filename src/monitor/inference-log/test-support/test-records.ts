/**
 * @module monitor/inference-log/test-support/test-records
 * Inference records and settings for the inference-log tests.
 */
import type { InferenceRecord } from '../../../serve/inference-sink.js';
import type { Tensor } from '../../../serve/tensor.js';
import type { LogSettings } from '../flatten-record.js';

export function makeRecord(over: Partial<InferenceRecord> = {}): InferenceRecord {
  return {
    requestId: 'req-1',
    deployment: 'fraud',
    model: 'fraud',
    version: 3,
    receivedAt: new Date('2026-03-01T10:00:00.250Z'),
    inputs: [
      tensor2d('features', [
        [1.5, 2, 3],
        [4, 5, 6.25],
      ]),
    ],
    outputs: [{ name: 'probability', datatype: 'FP32', shape: [2, 1], data: new Float32Array([0.25, 0.75]) }],
    queueSeconds: 0.001,
    computeSeconds: 0.002,
    totalSeconds: 0.004,
    ...over,
  };
}

export function tensor2d(name: string, rows: number[][]): Tensor {
  return {
    name,
    datatype: 'FP32',
    shape: [rows.length, rows[0]?.length ?? 0],
    data: new Float32Array(rows.flat()),
  };
}

export function textTensor(name: string, values: string[]): Tensor {
  return { name, datatype: 'BYTES', shape: [values.length], data: values };
}

export function logSettings(over: Partial<LogSettings> = {}): LogSettings {
  return { logInputs: true, pii: [], piiMode: 'hash', subjectKey: null, featureNames: {}, ...over };
}

/** A recognisable stand-in for the salted hash. */
export const fakeHash = (v: string) => `h(${v})`;
