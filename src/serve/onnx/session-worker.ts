/**
 * @module serve/onnx/session-worker
 * The script a pool's worker thread runs: it waits for a `load` message, creates its own ONNX Runtime
 * session from the model's bytes, runs one warm-up inference, says `ready`, then runs batches one at
 * a time in arrival order until a `close` message, when it releases the session and exits by itself.
 * A run that throws fails that run only; the worker keeps serving.
 *
 * Importing this module anywhere but in a worker started with {@link SESSION_WORKER_KIND} starts
 * nothing.
 */
import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { OnnxSession } from './onnx-session.js';
import {
  type FromWorker,
  packTensors,
  SESSION_WORKER_KIND,
  type ToWorker,
  toWireError,
} from './worker-messages.js';

if (
  !isMainThread &&
  parentPort !== null &&
  (workerData as { kind?: unknown } | null)?.kind === SESSION_WORKER_KIND
) {
  serve(parentPort);
}

function serve(port: MessagePort): void {
  let session: Promise<OnnxSession | undefined> | undefined;
  // Runs execute one after another: session.run blocks this thread anyway, and order keeps the
  // pool's view (first posted, first answered) true.
  let tail: Promise<unknown> = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'load':
        session = load(port, message);
        return;
      case 'run':
        tail = tail.then(() => runOne(port, session, message));
        return;
      case 'close':
        tail = tail.then(() => close(port, session));
        return;
      case 'crash':
        tail = tail.then(() => crash(message.how));
        return;
    }
  });
}

async function load(
  port: MessagePort,
  message: Extract<ToWorker, { type: 'load' }>,
): Promise<OnnxSession | undefined> {
  try {
    const session = await OnnxSession.create(message.bytes, message);
    const warmUpMicros = await session.warmUp().catch(async (e: unknown) => {
      await session.release();
      throw e;
    });
    post(port, { type: 'ready', signature: session.signature, warmUpMicros });
    return session;
  } catch (e) {
    post(port, { type: 'load-failed', error: toWireError(e) });
    return undefined;
  }
}

async function runOne(
  port: MessagePort,
  loading: Promise<OnnxSession | undefined> | undefined,
  message: Extract<ToWorker, { type: 'run' }>,
): Promise<void> {
  try {
    const session = await loading;
    if (session === undefined)
      throw new Error('the worker has no session (the pool posted a run before ready)');
    const outputs = await session.run(message.inputs, message.outputNames);
    const { tensors, transfer } = packTensors(outputs, false);
    const result: FromWorker = { type: 'result', id: message.id, outputs: tensors };
    try {
      port.postMessage(result, transfer);
    } catch {
      // A buffer the native binding will not let go of (none in 1.30) still crosses, as a copy.
      post(port, result);
    }
  } catch (e) {
    post(port, { type: 'failed', id: message.id, error: toWireError(e) });
  }
}

async function close(
  port: MessagePort,
  loading: Promise<OnnxSession | undefined> | undefined,
): Promise<void> {
  // Exiting from inside, after the load and the runs, matters: a worker torn down while
  // onnxruntime-node creates its session or runs aborts the whole process ("terminate called after
  // throwing an instance of 'Napi::Error'", onnxruntime-node 1.30).
  const session = await loading;
  await session?.release();
  // With its port closed the thread has nothing left to wait for, and exits on its own.
  port.close();
}

function crash(how: 'exit' | 'throw'): Promise<never> {
  if (how === 'exit') process.exit(70);
  // The runs queued behind the crash wait for it (runs are synchronous, so without this wait they
  // would all be answered before the uncaught error ends the thread).
  return new Promise<never>(() => {
    setImmediate(() => {
      throw new Error('session worker crash requested by a test');
    });
  });
}

function post(port: MessagePort, message: FromWorker): void {
  port.postMessage(message);
}
