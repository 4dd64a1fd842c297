/**
 * @module serve/onnx/runtime-errors
 * Errors that both execution modes raise the same way.
 */
import { KilnError } from '../../core/errors.js';

/** The error for a run on a model that is closed or closing: UNAVAILABLE, so clients retry. */
export function closedError(label: string): KilnError {
  return new KilnError('UNAVAILABLE', `model ${label} is closed (unloaded or being replaced); retry`, {
    label,
  });
}
