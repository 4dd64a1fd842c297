/**
 * Bad input over HTTP, each case made for real and each followed by a valid request that still
 * works: unknown names, duplicates, files that are not servable ONNX, files over the size limit,
 * names that break the naming rule, malformed JSON, unknown keys, bad page tokens, unknown routes.
 * Every error body is exactly `{code, message, details}` with a code from the catalogue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../core/errors.js';
import type { Role } from '../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../test-support/test-kiln.js';

const MAX_MODEL_BYTES = 2048;
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/models/${name}`, import.meta.url));
const SIMPLE = fixture('simple.onnx');

let t: TestKiln;
beforeAll(async () => {
  t = await createTestKiln({ env: { KILN_MAX_MODEL_BYTES: String(MAX_MODEL_BYTES) } });
  expect((await register('fraud', SIMPLE)).statusCode).toBe(201);
  expect(
    (await req('PUT', '/api/v1/models/fraud/aliases/champion', 'deployer', { version: 1 })).statusCode,
  ).toBe(200);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
function req(
  method: Method,
  url: string,
  role: Role = 'admin',
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return t.http.app.inject({
    method,
    url,
    headers: { ...t.auth(role), ...headers },
    ...(payload === undefined ? {} : { payload: payload as string }),
  });
}

function upload(bytes: Buffer) {
  return req('POST', '/api/v1/uploads', 'engineer', bytes, { 'content-type': 'application/octet-stream' });
}

async function register(name: string, bytes: Buffer) {
  const up = await upload(bytes);
  expect(up.statusCode).toBe(201);
  return req('POST', `/api/v1/models/${name}/versions`, 'engineer', { upload_id: up.json().upload_id });
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  expect(isErrorCode(body.code)).toBe(true);
  expect(typeof body.message).toBe('string');
  expect(typeof body.details).toBe('object');
  return body as { code: string; message: string; details: Record<string, unknown> };
}

/** The valid request made after each bad one: the server is still answering normally. */
async function stillWorks() {
  const res = await req('GET', '/api/v1/resolve?ref=fraud@champion', 'viewer');
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ model: 'fraud', version: 1, status: 'READY' });
}

describe('unknown models, versions and aliases', () => {
  it.each([
    ['GET', '/api/v1/models/ghost', 'MODEL_NOT_FOUND'],
    ['GET', '/api/v1/models/ghost/versions', 'MODEL_NOT_FOUND'],
    ['GET', '/api/v1/models/ghost/versions/1', 'MODEL_NOT_FOUND'],
    ['GET', '/api/v1/resolve?ref=ghost', 'MODEL_NOT_FOUND'],
    ['GET', '/api/v1/resolve?ref=ghost@champion', 'MODEL_NOT_FOUND'],
    ['PATCH', '/api/v1/models/ghost', 'MODEL_NOT_FOUND'],
    ['DELETE', '/api/v1/models/ghost', 'MODEL_NOT_FOUND'],
    ['GET', '/api/v1/models/fraud/versions/99', 'MODEL_VERSION_NOT_FOUND'],
    ['GET', '/api/v1/resolve?ref=fraud@99', 'MODEL_VERSION_NOT_FOUND'],
    ['GET', '/api/v1/models/fraud/versions/99/content', 'MODEL_VERSION_NOT_FOUND'],
    ['GET', '/api/v1/models/fraud/versions/99/card', 'MODEL_VERSION_NOT_FOUND'],
    ['DELETE', '/api/v1/models/fraud/versions/99', 'MODEL_VERSION_NOT_FOUND'],
    ['GET', '/api/v1/resolve?ref=fraud@challenger', 'ALIAS_NOT_FOUND'],
    ['DELETE', '/api/v1/models/fraud/aliases/challenger', 'ALIAS_NOT_FOUND'],
  ] as const)('%s %s → 404 %s', async (method, url, code) => {
    const body = expectError(
      await req(method, url, 'admin', method === 'PATCH' ? { description: 'x' } : undefined),
      404,
      code,
    );
    expect(body.message).toMatch(/ghost|99|challenger/);
    await stillWorks();
  });

  it('answers 404 MODEL_VERSION_NOT_FOUND when moving an alias to a version that does not exist, and keeps the alias', async () => {
    expectError(
      await req('PUT', '/api/v1/models/fraud/aliases/champion', 'deployer', { version: 99 }),
      404,
      'MODEL_VERSION_NOT_FOUND',
    );
    await stillWorks();
  });
});

describe('duplicates', () => {
  it('refuses a second model of the same name with 409 MODEL_EXISTS, leaving the first as it was', async () => {
    expect(
      (await req('POST', '/api/v1/models', 'engineer', { name: 'twin', description: 'first' })).statusCode,
    ).toBe(201);
    const body = expectError(
      await req('POST', '/api/v1/models', 'engineer', { name: 'twin', description: 'second' }),
      409,
      'MODEL_EXISTS',
    );
    expect(body.message).toContain('"twin"');
    expect((await req('GET', '/api/v1/models/twin', 'viewer')).json().description).toBe('first');
    await stillWorks();
  });
});

describe('model files Kiln will not register', () => {
  // A fixed pseudo-random sequence (a 32-bit LCG), so the case is the same on every run.
  const noise = Buffer.alloc(1000);
  for (let i = 0, x = 12345; i < noise.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    noise[i] = x >>> 24;
  }
  const torch = fixture('torch_mlp.onnx');

  it.each([
    ['random bytes', noise, /not a valid ONNX file|not an ONNX model/],
    ['text', Buffer.from('this is not a model\n'), /not a valid ONNX file|not an ONNX model/],
    ['a valid model cut to half its length', torch.subarray(0, torch.length >> 1), /do not parse/],
    ['a valid model missing its last byte', torch.subarray(0, torch.length - 1), /do not parse/],
    ['a model with no inputs', fixture('no_inputs.onnx'), /no inputs/],
    ['a model with external data', fixture('external_data.onnx'), /external data/],
    ['a classifier with ZipMap', fixture('zipmap.onnx'), /not tensors.*ZipMap/],
    ['a model ONNX Runtime cannot load', fixture('unknown_op.onnx'), /ONNX Runtime cannot load.*Frobnicate/],
  ])(
    'refuses %s with 400 INVALID_MODEL giving the reason, and registers nothing READY',
    async (_what, bytes, reason) => {
      const before = (await req('GET', '/api/v1/models/fraud/versions', 'viewer')).json().items.length;
      const body = expectError(await register('fraud', bytes), 400, 'INVALID_MODEL');
      expect(body.message).toMatch(reason);
      const versions = (await req('GET', '/api/v1/models/fraud/versions', 'viewer')).json().items;
      expect(versions).toHaveLength(before + 1);
      expect(versions.at(-1)).toMatchObject({
        status: 'FAILED',
        digest: null,
        statusMessage: expect.stringContaining('INVALID_MODEL'),
      });
      expectError(
        await req('GET', `/api/v1/models/fraud/versions/${before + 1}/content`, 'engineer'),
        409,
        'MODEL_VERSION_NOT_READY',
      );
      await stillWorks();
    },
  );

  it('refuses an empty upload with 400 INVALID_MODEL', async () => {
    expect(expectError(await upload(Buffer.alloc(0)), 400, 'INVALID_MODEL').message).toContain('empty');
    await stillWorks();
  });

  it('refuses a file over registry.max_model_bytes with 413 PAYLOAD_TOO_LARGE, keeping nothing of it', async () => {
    const big = fixture('mlp_small.onnx');
    expect(big.length).toBeGreaterThan(MAX_MODEL_BYTES);
    const body = expectError(await upload(big), 413, 'PAYLOAD_TOO_LARGE');
    expect(body.message).toContain(String(MAX_MODEL_BYTES));
    expect(readdirSync(join(t.dir, '.kiln', 'uploads'))).toEqual([]);
    expect((await register('fraud', SIMPLE)).json()).toMatchObject({ status: 'READY' });
  });

  it.each([
    ['JSON', { 'content-type': 'application/json' }, JSON.stringify({ bytes: 'AAAA' })],
    ['plain text', { 'content-type': 'text/plain' }, 'ONNX'],
    ['no body at all', {}, undefined],
  ])(
    'refuses an upload sent as %s with 400 INVALID_ARGUMENT naming the content type',
    async (_what, headers, payload) => {
      const body = expectError(
        await req('POST', '/api/v1/uploads', 'engineer', payload, headers),
        400,
        'INVALID_ARGUMENT',
      );
      expect(body.message).toContain('application/octet-stream');
      await stillWorks();
    },
  );

  it('refuses an upload id that Kiln did not make', async () => {
    for (const id of ['up_x', '../../etc/passwd', `up_${'0'.repeat(32)}`]) {
      const body = expectError(
        await req('POST', '/api/v1/models/fraud/versions', 'engineer', { upload_id: id }),
        400,
        'INVALID_ARGUMENT',
      );
      expect(body.details).toEqual({ field: 'upload_id' });
    }
    await stillWorks();
  });
});

describe('names that break the naming rule', () => {
  const long = 'a'.repeat(129);
  it.each([
    ['a slash (url-encoded) in the path', 'GET', '/api/v1/models/a%2Fb', undefined, /path separators/],
    ['a backslash in the path', 'GET', '/api/v1/models/a%5Cb', undefined, /path separators/],
    ['".." inside a name in the path', 'GET', '/api/v1/models/a..b', undefined, /"\.\."/],
    ['".." as a name in the body', 'POST', '/api/v1/models', { name: '..' }, /"\.\."/],
    ['a control character in the path', 'GET', '/api/v1/models/a%01b', undefined, /control characters/],
    ['a newline in the body', 'POST', '/api/v1/models', { name: 'a\nb' }, /control characters/],
    [
      '129 characters in the path',
      'GET',
      `/api/v1/models/${long}`,
      undefined,
      /at most 128 characters \(has 129\)/,
    ],
    ['129 characters in the body', 'POST', '/api/v1/models', { name: long }, /at most 128/],
    ['a leading digit', 'POST', '/api/v1/models', { name: '1fraud' }, /start with a letter/],
    ['an empty name', 'POST', '/api/v1/models', { name: '' }, /empty/],
    ['a space', 'POST', '/api/v1/models', { name: 'a b' }, /only letters, digits/],
    ['an all-digit alias', 'PUT', '/api/v1/models/fraud/aliases/123', { version: 1 }, /all digits/],
    ['an all-digit alias in a ref', 'GET', '/api/v1/resolve?ref=fraud@1x', undefined, /start with a letter/],
  ] as const)('refuses %s with 400 INVALID_NAME', async (_what, method, url, payload, why) => {
    const body = expectError(await req(method, url, 'admin', payload), 400, 'INVALID_NAME');
    expect(body.message).toMatch(why);
    expect(body.details.field).toEqual(expect.any(String));
    await stillWorks();
  });

  it('refuses a registration under a bad name with 400 INVALID_NAME, and registers nothing', async () => {
    const up = (await upload(SIMPLE)).json();
    const body = expectError(
      await req('POST', '/api/v1/models/a%2Fb/versions', 'engineer', { upload_id: up.upload_id }),
      400,
      'INVALID_NAME',
    );
    expect(body.message).toContain('path separators');
    expect(readdirSync(join(t.dir, '.kiln', 'uploads'))).toEqual([]);
    await stillWorks();
  });

  it('accepts a name of exactly 128 characters, in the body and in the path', async () => {
    const name = `m${'x'.repeat(127)}`;
    expect((await req('POST', '/api/v1/models', 'engineer', { name })).statusCode).toBe(201);
    expect((await req('GET', `/api/v1/models/${name}`, 'viewer')).json().name).toBe(name);
  });

  it('refuses a path segment far over any name length, or one that does not decode, with a catalogue error', async () => {
    expectError(await req('GET', `/api/v1/models/${'a'.repeat(5000)}`, 'viewer'), 400, 'INVALID_ARGUMENT');
    expectError(await req('GET', '/api/v1/models/a%zzb', 'viewer'), 400, 'INVALID_ARGUMENT');
    await stillWorks();
  });
});

describe('malformed requests', () => {
  it.each([
    ['a truncated object', '{"name": "x"'],
    ['a trailing comma', '{"name": "x",}'],
    ['single quotes', "{'name': 'x'}"],
    ['an empty body', ''],
  ])('refuses %s with 400 INVALID_JSON', async (_what, text) => {
    const res = await req('POST', '/api/v1/models', 'engineer', text, { 'content-type': 'application/json' });
    expectError(res, 400, 'INVALID_JSON');
    expect((await req('GET', '/api/v1/models/x', 'viewer')).statusCode).toBe(404);
    await stillWorks();
  });

  it.each([
    ['POST', '/api/v1/models', { name: 'extra', colour: 'red' }, 'colour'],
    ['PATCH', '/api/v1/models/fraud', { description: 'x', nickname: 'f' }, 'nickname'],
    ['PUT', '/api/v1/models/fraud/aliases/champion', { version: 1, force: true }, 'force'],
    ['POST', '/api/v1/models/fraud/versions', { upload_id: 'up_x', weights: 'x' }, 'weights'],
    ['POST', '/api/v1/tokens', { name: 'extra', role: 'viewer', scope: 'all' }, 'scope'],
  ] as const)(
    'refuses an unknown key in %s %s with 400 INVALID_ARGUMENT naming it',
    async (method, url, payload, key) => {
      const body = expectError(await req(method, url, 'admin', payload), 400, 'INVALID_ARGUMENT');
      expect(body.message).toContain(`"${key}"`);
      await stillWorks();
    },
  );

  it.each([
    ['a missing field', 'PUT', '/api/v1/models/fraud/aliases/champion', {}, 'version'],
    ['a wrong type', 'PUT', '/api/v1/models/fraud/aliases/champion', { version: 'one' }, 'version'],
    ['a version that is not a number', 'GET', '/api/v1/models/fraud/versions/abc', undefined, 'version'],
    ['a zero version', 'GET', '/api/v1/models/fraud/versions/0', undefined, 'version'],
    ['a bad page size', 'GET', '/api/v1/models?page_size=0', undefined, 'page_size'],
    ['an unknown query parameter', 'GET', '/api/v1/models?sort=name', undefined, 'sort'],
  ] as const)(
    'refuses %s with 400 INVALID_ARGUMENT naming the field',
    async (_what, method, url, payload, field) => {
      expect(
        expectError(await req(method, url, 'admin', payload), 400, 'INVALID_ARGUMENT').message,
      ).toContain(field);
      await stillWorks();
    },
  );

  it('refuses a filter that does not parse with 400 INVALID_FILTER', async () => {
    expectError(
      await req('GET', `/api/v1/models?filter=${encodeURIComponent('name = a OR name = b')}`, 'viewer'),
      400,
      'INVALID_FILTER',
    );
    await stillWorks();
  });
});

describe('page tokens', () => {
  const b64 = (json: string) => Buffer.from(json).toString('base64url');
  it.each([
    ['garbage', 'zzz'],
    ['not base64url', 'a+b/c='],
    ['base64 of something else', b64('hello')],
    ['another token version', b64('{"v":2,"k":["a"],"f":"0000000000000000"}')],
    ['a token for another filter', b64('{"v":1,"k":["a"],"f":"0000000000000000"}')],
  ])('refuses %s with 400 INVALID_PAGE_TOKEN', async (_what, token) => {
    const body = expectError(
      await req('GET', `/api/v1/models?page_token=${encodeURIComponent(token)}`, 'viewer'),
      400,
      'INVALID_PAGE_TOKEN',
    );
    expect(body.details).toEqual({ field: 'page_token' });
    expect((await req('GET', '/api/v1/models?page_size=1', 'viewer')).json().nextPageToken).toEqual(
      expect.any(String),
    );
    await stillWorks();
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['GET', '/api/v2/models'],
    ['PUT', '/api/v1/tokens'],
    ['POST', '/api/v1/models/fraud'],
    ['GET', '/'],
  ] as const)('%s %s → 404 NOT_FOUND JSON', async (method, url) => {
    const res = await req(method, url, 'viewer');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(expectError(res, 404, 'NOT_FOUND').message).toContain(url);
    await stillWorks();
  });

  it('answers an unknown data-plane route in the Open Inference Protocol error shape', async () => {
    const res = await req('GET', '/v2/models/nothing/ready/now', 'viewer');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: expect.stringContaining('/v2/models/nothing/ready/now'),
      code: 'NOT_FOUND',
    });
    await stillWorks();
  });
});
