/**
 * The `kiln` command given bad input, for real: wrong command lines, bad flag values, files that
 * are not acceptable models, unreadable metadata files, a broken workspace, an unreachable server.
 * Each fails with the documented exit code (2 for usage, 1 otherwise) and a stable error code, and
 * leaves nothing behind: no READY version, no blob, no staged upload.
 */

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, FRAUD_DIR, initWorkspace, sha256Hex } from './support/kiln-workspace.js';
import { type Env, type KilnResult, killLeftoverChildren, makeTempDir, runKiln } from './support/run-kiln.js';

const root = makeTempDir('bad-input');
const ws = join(root, 'ws');
const files = join(root, 'files');
const fraudModel = join(FRAUD_DIR, 'model.onnx');

function kiln(args: readonly string[], opts: { cwd?: string; env?: Env } = {}): Promise<KilnResult> {
  return runKiln(args, { cwd: opts.cwd ?? ws, env: opts.env ?? {} });
}

/** Exit 1, nothing on stdout, `{"error": {"code": code, …}}` on stderr; returns the message. */
async function failsWith(
  code: string,
  args: readonly string[],
  opts: { cwd?: string; env?: Env } = {},
): Promise<string> {
  const r = await kiln(['--json', ...args], opts);
  expect(r.code, `kiln --json ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(1);
  expect(r.stdout).toBe('');
  const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
  expect(err.error.code, err.error.message).toBe(code);
  return err.error.message;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

beforeAll(async () => {
  mkdirSync(ws);
  mkdirSync(files);
  await initWorkspace(ws);
  const r = await kiln(['models', 'register', 'fraud', fraudModel]);
  expect(r.code, r.stderr).toBe(0);
  const mlp = readFileSync(join(FIXTURE_MODELS, 'mlp_small.onnx'));
  writeFileSync(join(files, 'truncated.onnx'), mlp.subarray(0, Math.floor(mlp.length / 2)));
  writeFileSync(join(files, 'empty.onnx'), '');
  writeFileSync(join(files, 'text.onnx'), 'this is not a model\n');
  writeFileSync(join(files, 'not-json.json'), '{"auc": 0.9,');
  mkdirSync(join(files, 'a-folder.onnx'));
});

afterAll(() => {
  killLeftoverChildren();
  rmSync(root, { recursive: true, force: true });
});

describe('kiln CLI with bad input', () => {
  it('usage errors exit 2 and print the usage on stderr', async () => {
    const cases: [string[], string][] = [
      [['bogus'], "unknown command 'bogus'"],
      [['models', 'register', 'fraud'], "missing required argument 'file'"],
      [['tokens', 'create', '--name', 'x'], "required option '--role <role>' not specified"],
      [['models', 'list', '--no-such-flag'], "unknown option '--no-such-flag'"],
      [['models', 'download', 'fraud'], "required option '-o, --output <path>' not specified"],
    ];
    const results = await Promise.all(cases.map(([args]) => kiln(args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('Usage: kiln');
    });
  });

  it('refuses bad argument and flag values with exit 1 and a code naming what was wrong', async () => {
    const messages = await Promise.all([
      failsWith('INVALID_ARGUMENT', ['serve', '--port', '70000']),
      failsWith('INVALID_ARGUMENT', ['models', 'alias', 'fraud', 'champion', 'one']),
      failsWith('INVALID_NAME', ['models', 'alias', 'fraud', '123', '1']),
      failsWith('INVALID_FILTER', ['models', 'search', 'status =']),
      failsWith('INVALID_ARGUMENT', ['tokens', 'create', '--name', 'x', '--role', 'god']),
      failsWith('INVALID_ARGUMENT', ['models', 'delete', 'fraud@champion']),
      failsWith('INVALID_ARGUMENT', ['models', 'card', 'fraud', '1', '--set', 'no-equals-sign']),
      failsWith('URL_NOT_ALLOWED', ['webhooks', 'create', 'http://example.com/hook']),
      failsWith('INVALID_NAME', ['models', 'register', '9lives', fraudModel]),
      failsWith('INVALID_ARGUMENT', ['audit', 'prove', '0']),
    ]);
    expect(messages[0]).toContain('--port');
    expect(messages[1]).toContain('version');
    expect(messages[4]).toContain('role');
    expect(messages[6]).toContain('--set');
    expect(messages[7]).toContain('network.allow');
    expect(messages[8]).toContain('9lives');
  });

  it('refuses bad registration metadata before uploading the model', async () => {
    const messages = await Promise.all([
      failsWith('INVALID_ARGUMENT', ['models', 'register', 'meta', fraudModel, '--tag', 'novalue']),
      failsWith('INVALID_ARGUMENT', ['models', 'register', 'meta', fraudModel, '--param', '=1']),
      failsWith('INVALID_JSON', [
        'models',
        'register',
        'meta',
        fraudModel,
        '--metrics',
        join(files, 'not-json.json'),
      ]),
      failsWith('INVALID_ARGUMENT', [
        'models',
        'register',
        'meta',
        fraudModel,
        '--metrics',
        join(files, 'missing.json'),
      ]),
      failsWith('INVALID_ARGUMENT', [
        'models',
        'register',
        'meta',
        fraudModel,
        '--features',
        join(files, 'missing.json'),
      ]),
    ]);
    expect(messages[0]).toContain('--tag');
    expect(messages[1]).toContain('--param');
    expect(messages[2]).toContain('--metrics');
    expect(messages[4]).toContain('--features');
    await failsWith('MODEL_NOT_FOUND', ['models', 'show', 'meta']);
    expect(listFiles(join(ws, '.kiln', 'uploads'))).toEqual([]);
  });

  it('refuses files that are not acceptable ONNX models and keeps none of their bytes', {
    timeout: 60_000,
  }, async () => {
    const cases: [string, string, string][] = [
      ['missing', join(files, 'missing.onnx'), 'INVALID_ARGUMENT'],
      ['folder', join(files, 'a-folder.onnx'), 'INVALID_ARGUMENT'],
      ['empty', join(files, 'empty.onnx'), 'INVALID_MODEL'],
      ['text', join(files, 'text.onnx'), 'INVALID_MODEL'],
      ['truncated', join(files, 'truncated.onnx'), 'INVALID_MODEL'],
      ['zipmap', join(FIXTURE_MODELS, 'zipmap.onnx'), 'INVALID_MODEL'],
      ['external', join(FIXTURE_MODELS, 'external_data.onnx'), 'INVALID_MODEL'],
      ['no-inputs', join(FIXTURE_MODELS, 'no_inputs.onnx'), 'INVALID_MODEL'],
      ['unknown-op', join(FIXTURE_MODELS, 'unknown_op.onnx'), 'INVALID_MODEL'],
    ];
    const messages = await Promise.all(
      cases.map(([name, file, code]) => failsWith(code, ['models', 'register', name, file])),
    );
    expect(messages[0]).toContain('ENOENT');
    expect(messages[2]).toContain('empty');
    expect(messages[5]).toContain('ZipMap');
    expect(messages[6]).toContain('external data');
    expect(messages[7]).toContain('no inputs');

    // Nothing refused became READY, and the versions that were created say why they failed.
    const ready = await runKiln(['--json', 'models', 'search', 'status = READY'], { cwd: ws });
    expect(JSON.parse(ready.stdout).items.map((v: { model: string }) => v.model)).toEqual(['fraud']);
    const failed = await runKiln(['--json', 'models', 'search', 'status = FAILED'], { cwd: ws });
    const failedVersions = JSON.parse(failed.stdout).items as { model: string; statusMessage: string }[];
    for (const v of failedVersions) expect(v.statusMessage, v.model).toMatch(/^INVALID_MODEL: /);
    expect(failedVersions.map((v) => v.model).sort()).toEqual([
      'external',
      'no-inputs',
      'text',
      'truncated',
      'unknown-op',
      'zipmap',
    ]);

    // The store holds the one accepted model's bytes only, and no upload is left staged.
    const blobs = listFiles(join(ws, '.kiln', 'artifacts', 'sha256'));
    expect(blobs.map((b) => b.split('/').pop())).toEqual([sha256Hex(readFileSync(fraudModel))]);
    expect(listFiles(join(ws, '.kiln', 'uploads'))).toEqual([]);
    const verify = await kiln(['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('reports a broken workspace or configuration with CONFIG_INVALID or WORKSPACE_NOT_FOUND', async () => {
    const broken = join(root, 'broken');
    cpSync(ws, broken, { recursive: true });
    writeFileSync(join(broken, '.kiln', 'credentials'), 'not json');
    const [creds, env, home] = await Promise.all([
      failsWith('CONFIG_INVALID', ['models', 'list'], { cwd: broken }),
      failsWith('CONFIG_INVALID', ['models', 'list'], { env: { KILN_PORT: 'eighty' } }),
      failsWith('WORKSPACE_NOT_FOUND', ['models', 'list'], {
        cwd: root,
        env: { KILN_HOME: join(root, 'nowhere') },
      }),
    ]);
    expect(creds).toContain(join(broken, '.kiln', 'credentials'));
    expect(env).toContain('KILN_PORT');
    expect(home).toContain(join(root, 'nowhere'));
    // A token from the environment does not need the credentials file.
    const token = JSON.parse(readFileSync(join(ws, '.kiln', 'credentials'), 'utf8')).token as string;
    const withToken = await kiln(['models', 'list'], { cwd: broken, env: { KILN_TOKEN: token } });
    expect(withToken.code, withToken.stderr).toBe(0);

    writeFileSync(join(broken, 'kiln.yaml'), 'server:\n  prot: 8080\n');
    const yaml = await failsWith('CONFIG_INVALID', ['models', 'list'], {
      cwd: broken,
      env: { KILN_TOKEN: token },
    });
    expect(yaml).toContain('server.prot');
  });

  it('reports a server that cannot be reached with UNAVAILABLE', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const message = await failsWith(
      'UNAVAILABLE',
      ['--url', `http://127.0.0.1:${port}`, '--token', 'kiln_x', 'models', 'list'],
      { cwd: root },
    );
    expect(message).toContain(`http://127.0.0.1:${port}`);
  });
});
