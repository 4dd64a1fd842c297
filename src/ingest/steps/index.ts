/**
 * @module ingest/steps
 * Runs one pipeline step by kind. See `step.ts` for the contract and each `*-step.ts` for what a
 * step does and the parameters it fits.
 */
import type { StepSpec } from '../pipeline/spec-types.js';
import { runCastStep } from './cast-step.js';
import { runDropStep, runRenameStep, runSelectStep } from './columns-steps.js';
import { runDedupeStep } from './dedupe-step.js';
import { runEncodeStep } from './encode-step.js';
import { runFilterStep } from './filter-step.js';
import { runImputeStep } from './impute-step.js';
import { runLabelStep } from './label-step.js';
import { runScaleStep } from './scale-step.js';
import { runSplitStep } from './split-step.js';
import { runSqlStep } from './sql-step.js';
import type { StepContext } from './step.js';

export type { StepColumn, StepContext } from './step.js';
export { SPLIT_COLUMN, SPLIT_HASH, splitExpression } from './split-step.js';

/** Runs `spec` on `ctx.input`, creating `ctx.output`; resolves to the fitted parameters or null. */
export function runStep(ctx: StepContext, spec: StepSpec): Promise<unknown> {
  switch (spec.kind) {
    case 'sql':
      return runSqlStep(ctx, spec);
    case 'cast':
      return runCastStep(ctx, spec);
    case 'filter':
      return runFilterStep(ctx, spec);
    case 'dedupe':
      return runDedupeStep(ctx, spec);
    case 'impute':
      return runImputeStep(ctx, spec);
    case 'scale':
      return runScaleStep(ctx, spec);
    case 'encode':
      return runEncodeStep(ctx, spec);
    case 'label':
      return runLabelStep(ctx, spec);
    case 'split':
      return runSplitStep(ctx, spec);
    case 'select':
      return runSelectStep(ctx, spec);
    case 'drop':
      return runDropStep(ctx, spec);
    case 'rename':
      return runRenameStep(ctx, spec);
  }
}
