/**
 * @module registry/onnx/inspect-child
 * The model checker process. `inspectModelFile` (inspect-model.ts) forks this script with the model path and the
 * size limit as arguments; it reads the file, refuses what Kiln cannot serve, loads the rest into ONNX
 * Runtime to read its signature, sends one {@link CheckerReply} over IPC and exits. A model that
 * crashes or hangs the runtime takes down this process only, never the server.
 *
 * The parent imports this module for types only, so onnxruntime-node is never loaded by the server
 * process for the sake of a check.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { InferenceSession } from 'onnxruntime-node';
import { type ErrorCode, type ErrorDetails, isErrorCode, KilnError } from '../../core/errors.js';
import { CHECKER_FLAG, type ModelInspection, tooLarge } from './inspect-model.js';
import { readModelSignature } from './model-signature.js';
import { type OnnxModelInfo, readOnnxModelInfo } from './onnx-model-info.js';

/** What the checker sends back: the inspection, or the error that refused the model. */
export type CheckerReply =
  | { readonly ok: true; readonly inspection: ModelInspection }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
      readonly details: ErrorDetails;
    };

/**
 * Reads and checks one model file. Runs in the checker process: it loads the model into ONNX Runtime.
 * @throws KilnError PAYLOAD_TOO_LARGE (checked from the file's size, before reading), INVALID_MODEL
 *   (not ONNX, corrupt, or a feature Kiln refuses; see {@link assertServable}), INVALID_ARGUMENT (the
 *   path is not a readable regular file).
 */
export async function checkModelFile(path: string, maxBytes: number): Promise<ModelInspection> {
  const bytes = await readLimited(path, maxBytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const info = readOnnxModelInfo(bytes);
  assertServable(info);
  let session: InferenceSession;
  try {
    // One thread: the check only loads the model, and it must not compete with serving for cores.
    session = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new KilnError('INVALID_MODEL', `ONNX Runtime cannot load the model: ${message}`, {
      runtimeMessage: message,
    });
  }
  try {
    return { sizeBytes: bytes.length, sha256, info, signature: readModelSignature(session) };
  } finally {
    await session.release();
  }
}

/**
 * Refuses, from the file's structure alone, models Kiln will not serve: no graph, no inputs,
 * tensors stored in external files, and outputs that are not tensors (ZipMap's sequence of maps).
 * @throws KilnError INVALID_MODEL whose message says how to re-export the model.
 */
export function assertServable(info: OnnxModelInfo): void {
  if (!info.hasGraph) {
    throw new KilnError(
      'INVALID_MODEL',
      'the ONNX model has no graph (ModelProto field 7): there is nothing to run',
      {
        reason: 'no_graph',
      },
    );
  }
  if (info.inputNames.length === 0) {
    throw new KilnError(
      'INVALID_MODEL',
      'the ONNX model has no inputs (every graph input is missing or is an initializer): ' +
        'expected at least one input tensor for requests to fill',
      { reason: 'no_inputs' },
    );
  }
  if (info.externalDataTensors.length > 0) {
    const files = info.externalDataFiles.length > 0 ? ` in ${info.externalDataFiles.join(', ')}` : '';
    throw new KilnError(
      'INVALID_MODEL',
      `the ONNX model keeps ${info.externalDataTensors.length} tensor(s) (${preview(info.externalDataTensors)}) ` +
        `as external data${files}; Kiln accepts only self-contained files, because a path inside a model ` +
        'could point anywhere on the server. Re-export with all tensors inside the file: ' +
        'onnx.save_model(onnx.load(path), new_path, save_as_external_data=False), or torch.onnx.export ' +
        'without external data (a model under 2 GB fits in one file)',
      { reason: 'external_data', tensors: info.externalDataTensors, files: info.externalDataFiles },
    );
  }
  if (info.nonTensorOutputs.length > 0 || info.hasZipMap) {
    const outputs = info.nonTensorOutputs.length > 0 ? preview(info.nonTensorOutputs) : 'fed by ZipMap';
    throw new KilnError(
      'INVALID_MODEL',
      `the ONNX model has outputs that are not tensors (${outputs})${info.hasZipMap ? ', made by a ZipMap operator' : ''}; ` +
        'the Open Inference Protocol carries tensors only. Export classifiers with tensor probabilities: ' +
        "skl2onnx convert_sklearn(model, initial_types=..., options={id(model): {'zipmap': False}}) " +
        "or to_onnx(model, X, options={'zipmap': False}); onnxmltools convert_lightgbm(model, ..., zipmap=False)",
      { reason: 'non_tensor_outputs', outputs: info.nonTensorOutputs, zipMap: info.hasZipMap },
    );
  }
}

function preview(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown}, … ${names.length - 5} more` : shown;
}

/** Reads the file only after its size is known to be within the limit. */
async function readLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `model file: expected a readable file, got ${e.code ?? e.message}`,
      {
        field: 'path',
        path,
      },
    );
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new KilnError('INVALID_ARGUMENT', 'model file: expected a regular file, got something else', {
        path,
      });
    }
    if (stat.size > maxBytes) throw tooLarge(stat.size, maxBytes);
    const bytes = new Uint8Array(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const { bytesRead: extra } = await handle.read(new Uint8Array(1), 0, 1, filled);
    if (filled !== stat.size || extra !== 0) {
      throw new KilnError('CONFLICT', 'model file changed size while it was being read; try again', { path });
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

function toReply(e: unknown): CheckerReply {
  if (e instanceof KilnError && isErrorCode(e.code)) {
    return { ok: false, code: e.code, message: e.message, details: e.details };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, code: 'INTERNAL', message: `the model checker failed: ${message}`, details: {} };
}

async function main(send: (reply: CheckerReply, done: () => void) => void): Promise<void> {
  const [path, maxBytesArg] = process.argv.slice(3);
  const reply = await checkModelFile(path, Number(maxBytesArg)).then(
    (inspection): CheckerReply => ({ ok: true, inspection }),
    toReply,
  );
  // ORT keeps native threads alive; exit explicitly once the reply is flushed to the parent.
  send(reply, () => process.exit(0));
}

// Only when forked as the checker (IPC channel and flag): importing this module has no effect.
if (process.send !== undefined && process.argv[2] === CHECKER_FLAG) {
  const send = process.send.bind(process);
  void main((reply, done) => send(reply, undefined, {}, done));
}
