import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { checkModelFile } from './inspect-child.js';
import { type InspectModelOptions, inspectModelFile, resolveCheckerScript } from './inspect-model.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const OPTIONS: InspectModelOptions = { maxBytes: 10 * 1024 * 1024, timeoutMs: 20_000 };
const tmp = mkdtempSync(join(tmpdir(), 'kiln-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

async function refusal(path: string, options: InspectModelOptions = OPTIONS): Promise<KilnError> {
  const result = await inspectModelFile(path, options).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(result instanceof KilnError)) throw new Error(`expected a KilnError, got ${String(result)}`);
  return result;
}

describe('inspectModelFile accepts servable models', () => {
  it('returns size, sha256, info and signature of simple.onnx', async () => {
    const bytes = readFileSync(fixture('simple.onnx'));
    const inspection = await inspectModelFile(fixture('simple.onnx'), OPTIONS);
    expect(inspection.sizeBytes).toBe(bytes.length);
    expect(inspection.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(inspection.info.graphName).toBe('simple');
    expect(inspection.info.opTypes).toEqual(['Add', 'Sub']);
    expect(inspection.signature.inputs).toEqual([
      { name: 'INPUT0', datatype: 'INT32', shape: [-1, 16], dimNames: ['batch', null] },
      { name: 'INPUT1', datatype: 'INT32', shape: [-1, 16], dimNames: ['batch', null] },
    ]);
    expect(inspection.signature.outputs.map((o) => o.name)).toEqual(['OUTPUT0', 'OUTPUT1']);
  });

  it('accepts the torch export, BYTES tensors and a fixed batch dimension', async () => {
    const torch = await inspectModelFile(fixture('torch_mlp.onnx'), OPTIONS);
    expect(torch.signature.inputs[0]).toEqual({
      name: 'input',
      datatype: 'FP32',
      shape: [-1, 8],
      dimNames: ['batch', null],
    });
    const text = await inspectModelFile(fixture('bytes_identity.onnx'), OPTIONS);
    expect(text.signature.outputs).toEqual([
      { name: 'TEXT_OUT', datatype: 'BYTES', shape: [-1], dimNames: ['batch'] },
    ]);
    const fixed = await inspectModelFile(fixture('fixed_batch.onnx'), OPTIONS);
    expect(fixed.signature.inputs[0].shape).toEqual([1, 4]);
  });
});

describe('inspectModelFile refuses what Kiln cannot serve', () => {
  it('refuses external data and says how to re-export', async () => {
    const e = await refusal(fixture('external_data.onnx'));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain('tensor(s) (W) as external data in external_data.onnx.data');
    expect(e.message).toContain('save_as_external_data=False');
    expect(e.details).toMatchObject({ reason: 'external_data', tensors: ['W'] });
  });

  it('refuses a ZipMap output and says how to export without it', async () => {
    const e = await refusal(fixture('zipmap.onnx'));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(
      /outputs that are not tensors \(output_probability\), made by a ZipMap operator/,
    );
    expect(e.message).toContain("options={id(model): {'zipmap': False}}");
    expect(e.message).toContain('zipmap=False');
  });

  it('refuses a model without inputs', async () => {
    const e = await refusal(fixture('no_inputs.onnx'));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.details).toEqual({ reason: 'no_inputs' });
  });

  it('refuses a model without a graph', async () => {
    const e = await refusal(writeTemp('no-graph.onnx', Uint8Array.from([0x08, 0x07]))); // ir_version 7 only
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/has no graph/);
  });

  it('passes on ONNX Runtime’s message when the runtime cannot load the model', async () => {
    const e = await refusal(fixture('unknown_op.onnx'));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/^ONNX Runtime cannot load the model: .*Frobnicate/);
  });

  it('refuses a truncated copy of a valid model', async () => {
    const bytes = readFileSync(fixture('mlp_small.onnx'));
    const e = await refusal(writeTemp('truncated.onnx', bytes.subarray(0, Math.floor(bytes.length / 2))));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/^not a valid ONNX file/);
  });

  it('refuses random bytes', async () => {
    const random = createHash('sha512').update('kiln').digest();
    const e = await refusal(
      writeTemp('random.onnx', Buffer.concat(Array.from({ length: 64 }, () => random))),
    );
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/^not (a valid ONNX file|an ONNX model)/);
  });

  it('refuses an oversize file from its size, without reading it', async () => {
    // A sparse 3 GiB file: reading it whole would fail differently (Node's 2 GiB buffer limit).
    const path = join(tmp, 'huge.onnx');
    writeFileSync(path, '');
    truncateSync(path, 3 * 1024 ** 3);
    const e = await refusal(path, { ...OPTIONS, maxBytes: 1024 ** 3 });
    expect(e.code).toBe('PAYLOAD_TOO_LARGE');
    expect(e.message).toBe(`model file: expected at most ${1024 ** 3} bytes, got ${3 * 1024 ** 3} bytes`);
    // the checker applies the same limit before reading, should it ever be called directly
    const direct = await checkModelFile(path, 1024 ** 3).catch((err: unknown) => err);
    expect((direct as KilnError).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a missing path and a directory', async () => {
    expect((await refusal(join(tmp, 'nope.onnx'))).message).toBe(
      'model file: expected an existing file, got ENOENT',
    );
    expect((await refusal(tmp)).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses bad options', async () => {
    expect((await refusal(fixture('simple.onnx'), { maxBytes: 0, timeoutMs: 1000 })).message).toMatch(
      /^maxBytes/,
    );
    expect((await refusal(fixture('simple.onnx'), { maxBytes: 10, timeoutMs: Number.NaN })).message).toMatch(
      /^timeoutMs/,
    );
  });
});

describe('inspectModelFile survives the checker process dying', () => {
  it('reports a checker killed by a signal', async () => {
    const kill = ['--import', 'data:text/javascript,process.kill(process.pid,"SIGKILL")'];
    const e = await refusal(fixture('simple.onnx'), { ...OPTIONS, execArgv: kill });
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe(
      'the model checker process died (signal SIGKILL) while loading the model; the file is likely corrupt',
    );
  });

  it('reports a checker that exits without a reply', async () => {
    const exit = ['--import', 'data:text/javascript,process.exit(3)'];
    const e = await refusal(fixture('simple.onnx'), { ...OPTIONS, execArgv: exit });
    expect(e.message).toMatch(/died \(exit code 3 without a reply\)/);
    expect(e.details).toMatchObject({ exitCode: 3, signal: null });
  });

  it('kills a checker that does not finish in time', async () => {
    const hang = ['--import', 'data:text/javascript,for(;;){}'];
    const e = await refusal(fixture('simple.onnx'), { ...OPTIONS, timeoutMs: 200, execArgv: hang });
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/^the model checker process died \(timed out after 200 ms and was killed\)/);
    expect(e.details).toMatchObject({ signal: 'SIGKILL' });
  });

  it('forks the compiled checker script', () => {
    expect(resolveCheckerScript()).toMatch(/[\\/]dist[\\/]registry[\\/]onnx[\\/]inspect-child\.js$/);
  });

  it('runs two checks at once, each in its own process', async () => {
    const copy = join(tmp, 'copy.onnx');
    copyFileSync(fixture('mlp_small.onnx'), copy);
    const [a, b] = await Promise.all([
      inspectModelFile(copy, OPTIONS),
      inspectModelFile(fixture('mlp_small.onnx'), OPTIONS),
    ]);
    expect(a.sha256).toBe(b.sha256);
    expect(a.signature).toEqual(b.signature);
  });
});
