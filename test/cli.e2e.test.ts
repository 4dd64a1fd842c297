/**
 * The `kiln` command as a user runs it: the compiled CLI in a child process, in a temporary
 * workspace, one command line at a time. Tests run in order and share the workspace: each step
 * builds on the registry state the previous ones left.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpointSignature, verifyInclusionProof } from './support/audit-check.js';
import { FIXTURE_MODELS, FRAUD_DIR, readCredentials, sha256Hex } from './support/kiln-workspace.js';
import {
  type Env,
  type KilnResult,
  killLeftoverChildren,
  makeTempDir,
  REPO_DIR,
  runKiln,
} from './support/run-kiln.js';

interface Version {
  model: string;
  version: number;
  status: string;
  statusMessage: string;
  description: string;
  digest: string | null;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  signature: {
    inputs: { name: string; datatype: string; shape: number[] }[];
    outputs: { name: string; datatype: string; shape: number[] }[];
  } | null;
  featureSchema: { input: string; columns: { name: string; type: string }[] } | null;
  onnx: { producerName: string } | null;
  createdBy: string;
}

const root = makeTempDir('cli');
const ws = join(root, 'ws');
const outside = join(root, 'elsewhere');
let adminToken = '';

function kiln(args: readonly string[], opts: { cwd?: string; env?: Env } = {}): Promise<KilnResult> {
  return runKiln(args, { cwd: opts.cwd ?? ws, env: opts.env ?? {} });
}

/** A command that must succeed; returns its stdout. */
async function ok(args: readonly string[], opts: { cwd?: string; env?: Env } = {}): Promise<string> {
  const r = await kiln(args, opts);
  expect(r.code, `kiln ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function okJson<T>(args: readonly string[], opts: { cwd?: string; env?: Env } = {}): Promise<T> {
  return JSON.parse(await ok(['--json', ...args], opts)) as T;
}

/** A command that must fail with exit 1 and `code` in a JSON error on stderr (nothing on stdout). */
async function failsWith(
  code: string,
  args: readonly string[],
  opts: { cwd?: string; env?: Env } = {},
): Promise<string> {
  const r = await kiln(['--json', ...args], opts);
  expect(r.code, `kiln --json ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(1);
  expect(r.stdout).toBe('');
  const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
  expect(err.error.code).toBe(code);
  return err.error.message;
}

/** Registration commands run from the repository (relative paths, as in the docs), on `ws`. */
function fromRepo(args: readonly string[]): readonly string[] {
  return ['--workspace', ws, ...args];
}

beforeAll(() => {
  mkdirSync(ws);
  mkdirSync(outside);
});

afterAll(() => {
  killLeftoverChildren();
  rmSync(root, { recursive: true, force: true });
});

describe('kiln CLI, end to end', () => {
  it('init creates kiln.yaml, .kiln/ and the admin token in .kiln/credentials (mode 0600)', async () => {
    const out = await ok(['init']);
    expect(out).toContain(`initialised Kiln workspace in ${ws}`);
    expect(readFileSync(join(ws, 'kiln.yaml'), 'utf8')).toContain('KILN_PORT');
    expect(statSync(join(ws, '.kiln')).isDirectory()).toBe(true);
    const credsFile = join(ws, '.kiln', 'credentials');
    expect(statSync(credsFile).mode & 0o777).toBe(0o600);
    const creds = readCredentials(ws);
    expect(creds).toEqual({
      url: 'http://127.0.0.1:8080',
      token: expect.stringMatching(/^kiln_[A-Za-z0-9_-]{43}$/),
    });
    expect(out).not.toContain(creds.token);
    adminToken = creds.token;
  });

  it('a second init fails with WORKSPACE_EXISTS and leaves the credentials alone', async () => {
    const r = await kiln(['init']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('WORKSPACE_EXISTS');
    expect(readCredentials(ws).token).toBe(adminToken);
    await failsWith('WORKSPACE_EXISTS', ['init', ws], { cwd: outside });
  });

  it('fails outside any workspace, telling the user to run kiln init', async () => {
    const [list, serve] = await Promise.all([
      kiln(['models', 'list'], { cwd: outside }),
      kiln(['serve', '--port', '0'], { cwd: outside }),
      failsWith('WORKSPACE_NOT_FOUND', ['audit', 'verify'], { cwd: outside }),
      failsWith('WORKSPACE_NOT_FOUND', ['--workspace', outside, 'models', 'list'], { cwd: ws }),
    ]);
    for (const r of [list, serve]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('no Kiln workspace here; run `kiln init`');
    }
  });

  it('registers the fraud example with its description, tags, metrics and feature schema', async () => {
    const v = await okJson<Version>(
      fromRepo([
        'models',
        'register',
        'fraud',
        'examples/fraud/model.onnx',
        '--description',
        'card fraud scorer',
        '--tag',
        'team=risk',
        '--metrics',
        'examples/fraud/metrics.json',
        '--features',
        'examples/fraud/features.json',
      ]),
      { cwd: REPO_DIR },
    );
    const metrics = JSON.parse(readFileSync(join(FRAUD_DIR, 'metrics.json'), 'utf8')) as Record<
      string,
      number
    >;
    const features = JSON.parse(readFileSync(join(FRAUD_DIR, 'features.json'), 'utf8')) as {
      columns: { name: string }[];
    };
    expect(v).toMatchObject({
      model: 'fraud',
      version: 1,
      status: 'READY',
      description: 'card fraud scorer',
      tags: { team: 'risk' },
      metrics,
      digest: sha256Hex(readFileSync(join(FRAUD_DIR, 'model.onnx'))),
      createdBy: 'admin',
    });
    expect(v.signature?.inputs).toEqual([
      { name: 'features', datatype: 'FP32', shape: [-1, features.columns.length] },
    ]);
    expect(v.featureSchema?.columns.map((c) => c.name)).toEqual(features.columns.map((c) => c.name));
  });

  it('registers the PyTorch export as another model', async () => {
    const out = await ok(
      fromRepo(['models', 'register', 'torch_mlp', 'test/fixtures/models/torch_mlp.onnx']),
      { cwd: REPO_DIR },
    );
    expect(out).toContain('registered torch_mlp@1 (READY');
    expect(out).toContain('inputs:  input FP32[-1,8]');
    expect(out).toContain('outputs: output FP32[-1,2]');
    const v = await okJson<Version>(['models', 'show', 'torch_mlp@1']);
    expect(v.onnx?.producerName).toBe('pytorch');
  });

  it('refuses a --features list that does not fit the input width, and accepts one that does', async () => {
    const mlp = join(FIXTURE_MODELS, 'mlp_small.onnx');
    const message = await failsWith('INVALID_FEATURE_SCHEMA', [
      'models',
      'register',
      'mlp',
      mlp,
      '--features',
      'a,b,c',
    ]);
    expect(message).toContain('30');
    const human = await kiln(['models', 'register', 'mlp', mlp, '--features', 'a,b,c']);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('error [INVALID_FEATURE_SCHEMA]');

    const names = Array.from({ length: 30 }, (_, i) => `f${i}`);
    const v = await okJson<Version>(['models', 'register', 'mlp', mlp, '--features', names.join(',')]);
    expect(v).toMatchObject({ model: 'mlp', version: 3, status: 'READY' });
    expect(v.featureSchema).toEqual({
      input: 'x',
      columns: names.map((name) => ({ name, type: 'float32' })),
    });
    const versions = await okJson<{ items: Version[] }>(['models', 'versions', 'mlp']);
    expect(versions.items.map((x) => [x.version, x.status]).sort()).toEqual([
      [1, 'FAILED'],
      [2, 'FAILED'],
      [3, 'READY'],
    ]);
  });

  it('finds the workspace by --workspace, KILN_HOME, and the nearest .kiln/ above the current folder', async () => {
    const names = (page: { items: { name: string }[] }) => page.items.map((m) => m.name).sort();
    const expected = ['fraud', 'mlp', 'torch_mlp'];
    expect(names(await okJson(['--workspace', ws, 'models', 'list'], { cwd: outside }))).toEqual(expected);
    expect(names(await okJson(['models', 'list'], { cwd: outside, env: { KILN_HOME: ws } }))).toEqual(
      expected,
    );
    expect(names(await okJson(['--workspace', '../ws', 'models', 'list'], { cwd: outside }))).toEqual(
      expected,
    );
    const deep = join(ws, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    expect(names(await okJson(['models', 'list'], { cwd: deep }))).toEqual(expected);
    // The flag wins over KILN_HOME.
    await failsWith('WORKSPACE_NOT_FOUND', ['--workspace', outside, 'models', 'list'], {
      cwd: ws,
      env: { KILN_HOME: ws },
    });
  });

  it('lists, shows and searches models and versions, in text and in JSON', async () => {
    const [list, show, showVersion, versions, search] = await Promise.all([
      ok(['models', 'list']),
      ok(['models', 'show', 'fraud']),
      ok(['models', 'show', 'fraud@1']),
      ok(['models', 'versions', 'fraud']),
      ok(['models', 'search', 'status = READY AND name ^= m']),
    ]);
    expect(list).toMatch(/^NAME\s+LATEST\s+ALIASES/);
    expect(list).toMatch(/^fraud\s+1\s/m);
    expect(list).toMatch(/^mlp\s+3\s/m);
    expect(show).toMatch(/^name:\s+fraud$/m);
    expect(show).toMatch(/^latest version:\s+1$/m);
    expect(showVersion).toMatch(/^status:\s+READY$/m);
    expect(showVersion).toMatch(/^description:\s+card fraud scorer$/m);
    expect(showVersion).toMatch(/^tags:\s+team=risk$/m);
    expect(versions).toMatch(/^fraud\s+1\s+READY\s/m);
    expect(search).toMatch(/^mlp\s+3\s+READY/m);
    expect(search).not.toContain('fraud');

    const [listJ, showJ, versionJ, versionsJ] = await Promise.all([
      okJson<{ items: { name: string; latestVersion: number }[] }>(['models', 'list']),
      okJson<{ name: string; latestVersion: number; owner: string }>(['models', 'show', 'fraud']),
      okJson<Version>(['models', 'show', 'fraud@1']),
      okJson<{ items: Version[] }>(['models', 'versions', 'fraud']),
    ]);
    expect(listJ.items.find((m) => m.name === 'torch_mlp')?.latestVersion).toBe(1);
    expect(showJ).toMatchObject({ name: 'fraud', latestVersion: 1, owner: 'admin' });
    expect(versionJ).toMatchObject({ model: 'fraud', version: 1, status: 'READY' });
    expect(versionsJ.items.map((v) => v.version)).toEqual([1]);
  });

  it('errors with --json are JSON on stderr with a stable code', async () => {
    await failsWith('MODEL_NOT_FOUND', ['models', 'show', 'nosuch']);
    await failsWith('MODEL_VERSION_NOT_FOUND', ['models', 'show', 'fraud@7']);
    await failsWith('ALIAS_NOT_FOUND', ['models', 'show', 'fraud@champion']);
    await failsWith('INVALID_ARGUMENT', ['models', 'register', 'x', join(root, 'missing.onnx')]);
  });

  it('moves an alias, and resolves name@alias', async () => {
    expect(await ok(['models', 'alias', 'fraud', 'champion', '1'])).toBe('fraud@champion → version 1\n');
    const v = await okJson<Version>(['models', 'show', 'fraud@champion']);
    expect(v).toMatchObject({ version: 1, aliases: ['champion'] });
  });

  it('prints the model card as Markdown and writes it as an HTML page', async () => {
    const md = await ok(['models', 'card', 'fraud', '1']);
    expect(md.startsWith('# Model card: fraud version 1\n')).toBe(true);
    expect(md).toContain('card fraud scorer');
    expect(md).toContain('champion');
    const htmlPath = join(root, 'card.html');
    expect(await ok(['models', 'card', 'fraud', '1', '--html', htmlPath])).toContain(`wrote ${htmlPath}`);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>Model card: fraud version 1</title>');
  });

  it('downloads the bytes that were registered', async () => {
    const out = join(root, 'out.onnx');
    await ok(['models', 'download', 'fraud@champion', '-o', 'out.onnx'], {
      cwd: root,
      env: { KILN_HOME: ws },
    });
    expect(readFileSync(out).equals(readFileSync(join(FRAUD_DIR, 'model.onnx')))).toBe(true);
  });

  it('shows, verifies and proves the audit log, and exports a signed checkpoint', async () => {
    const headPath = join(root, 'head.json');
    const [log, eventsPage, verify, proof, consistency] = await Promise.all([
      ok(['audit', 'log']),
      okJson<{ events: { seq: number; action: string }[] }>(['audit', 'log']),
      kiln(['audit', 'verify']),
      okJson<{
        seq: number;
        leaf_index: number;
        tree_size: number;
        leaf_hash: string;
        audit_path: string[];
        root_hash: string;
      }>(['audit', 'prove', '1']),
      okJson<{ from_size: number; to_size: number; to_root: string; proof: string[] }>([
        'audit',
        'consistency',
        '1',
      ]),
      ok(['audit', 'checkpoint', '-o', headPath]),
      failsWith('INVALID_ARGUMENT', ['audit', 'prove', 'zero']),
    ]);
    expect(log).toMatch(/^SEQ\s+TIME\s+ACTOR\s+ACTION\s+RESOURCE/);
    expect(log).toMatch(/\sadmin\s+alias\.move\s+model\/fraud/);
    const events = eventsPage.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['workspace.init', 'model_version.ready', 'model_version.fail', 'alias.move']),
    );

    expect(verify.code).toBe(0);
    const verified = new RegExp(`^audit log OK: ${events.length} events, root ([0-9a-f]{64})$`, 'm').exec(
      verify.stdout,
    );
    expect(verified, verify.stdout).not.toBeNull();
    const rootHash = verified![1]!;
    const size = events.length;

    expect(proof).toMatchObject({ seq: 1, leaf_index: 0, tree_size: size, root_hash: rootHash });
    expect(verifyInclusionProof(proof)).toBe(true);
    expect(verifyInclusionProof({ ...proof, leaf_index: 1 })).toBe(false);

    expect(consistency).toMatchObject({ from_size: 1, to_size: size, to_root: rootHash });
    expect(consistency.proof.length).toBeGreaterThan(0);

    const head = JSON.parse(readFileSync(headPath, 'utf8'));
    expect(head).toMatchObject({ tree_size: size, root_hash: rootHash });
    expect(head.public_key).toBe(readFileSync(join(ws, '.kiln', 'keys', 'audit-ed25519.pub'), 'utf8'));
    expect(verifyCheckpointSignature(head)).toBe(true);
    expect(verifyCheckpointSignature({ ...head, tree_size: head.tree_size + 1 })).toBe(false);
  });

  it('creates a token shown once, which acts with its role only, until it is revoked', async () => {
    const created = await ok(['tokens', 'create', '--name', 'ci', '--role', 'deployer']);
    const token = /(kiln_[A-Za-z0-9_-]{43})/.exec(created)?.[1];
    expect(token).toBeDefined();
    expect(created).toContain('created token "ci" (deployer)');
    expect(token).not.toBe(adminToken);

    const asCi = { KILN_TOKEN: token! };
    const [list, listJson, moved, denied] = await Promise.all([
      ok(['tokens', 'list']),
      ok(['--json', 'tokens', 'list']),
      ok(['models', 'alias', 'fraud', 'challenger', '1'], { env: asCi }),
      failsWith('PERMISSION_DENIED', ['tokens', 'list'], { env: asCi }),
      // --token beats KILN_TOKEN.
      failsWith('UNAUTHENTICATED', ['--token', 'kiln_not-a-real-token', 'models', 'list'], { env: asCi }),
    ]);
    expect(list).toMatch(/^ci\s+deployer\s+kiln_/m);
    expect(list).not.toContain(token);
    expect(listJson).not.toContain(token);
    for (const file of filesUnder(join(ws, '.kiln')))
      expect(readFileSync(file).includes(token!), file).toBe(false);
    expect(moved).toBe('fraud@challenger → version 1\n');
    expect(denied).toContain('admin');
    // The audit log names the token that acted.
    const byCi = await okJson<{ events: { actor: string; action: string; resource: string }[] }>([
      'audit',
      'log',
      '--actor',
      'ci',
    ]);
    expect(byCi.events).toEqual([
      expect.objectContaining({
        actor: 'ci',
        action: 'alias.move',
        resource: 'model/fraud/alias/challenger',
      }),
    ]);

    expect(await ok(['tokens', 'revoke', 'ci'])).toContain('revoked token "ci"');
    const [r] = await Promise.all([
      kiln(['models', 'list'], { env: asCi }),
      failsWith('UNAUTHENTICATED', ['models', 'alias', 'fraud', 'challenger', '1'], { env: asCi }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('UNAUTHENTICATED');
  });

  it('lists jobs', async () => {
    const [text, jobs] = await Promise.all([
      ok(['jobs', 'list']),
      okJson<{ jobs: unknown[] }>(['jobs', 'list']),
      failsWith('JOB_NOT_FOUND', ['jobs', 'show', 'no-such-job']),
    ]);
    expect(text).toMatch(/^(\(none\)|ID\s+TYPE\s+STATUS)/);
    expect(Array.isArray(jobs.jobs)).toBe(true);
  });

  it('answers --help with exit 0 for every command and subcommand', { timeout: 120_000 }, async () => {
    const expected = [
      'init',
      'serve',
      'demo',
      ...[
        'register',
        'list',
        'search',
        'show',
        'versions',
        'alias',
        'unalias',
        'card',
        'download',
        'delete',
      ].map((c) => `models ${c}`),
      ...['log', 'verify', 'prove', 'consistency', 'checkpoint'].map((c) => `audit ${c}`),
      ...['create', 'list', 'revoke'].map((c) => `tokens ${c}`),
      ...['list', 'show', 'cancel', 'schedules'].map((c) => `jobs ${c}`),
      ...['create', 'list', 'delete'].map((c) => `webhooks ${c}`),
    ];
    // Walk the tree as --help shows it, so a command added later is checked too.
    const groups = subcommandsIn(await helpOf([]));
    const subs = await Promise.all(
      groups.map(async (g) => subcommandsIn(await helpOf([g])).map((s) => `${g} ${s}`)),
    );
    const discovered = [...groups, ...subs.flat()];
    expect(discovered).toEqual(expect.arrayContaining(expected));
    const leaves = subs.flatMap((list, i) => (list.length === 0 ? [groups[i]!] : list));
    const queue = [...leaves];
    const work = Array.from({ length: 4 }, async () => {
      for (let cmd = queue.shift(); cmd; cmd = queue.shift()) {
        const text = await helpOf(cmd.split(' '));
        expect(text, cmd).toContain(`Usage: kiln ${cmd} `);
      }
    });
    await Promise.all(work);
  });
});

async function helpOf(path: readonly string[]): Promise<string> {
  const r = await runKiln([...path, '--help'], { cwd: outside });
  expect(r.code, `kiln ${path.join(' ')} --help\n${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('Usage: kiln');
  return r.stdout;
}

/** The command names listed under "Commands:" in a help text, without commander's own `help`. */
function subcommandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1];
  if (!section) return [];
  return section
    .split('\n')
    .map((l) => /^ {2}([a-z][a-z-]*)\b/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}
