/**
 * Registry routes over HTTP: upload, register, show, resolve, aliases, download, model cards,
 * search with page tokens, and deletion with and without force.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../govern/auth/roles.js';
import { createTestKiln, type TestKiln } from '../../test-support/test-kiln.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/models/${name}`, import.meta.url));
const SIMPLE = fixture('simple.onnx');
const MLP = fixture('mlp_small.onnx');

let t: TestKiln;
beforeAll(async () => {
  t = await createTestKiln();
  expect((await register('fraud', SIMPLE, { description: 'first' })).statusCode).toBe(201);
  const columns = Array.from({ length: 16 }, (_, i) => ({ name: `f${i}` }));
  expect((await register('fraud', SIMPLE, { features: { input: 'INPUT0', columns } })).statusCode).toBe(201);
});
afterAll(() => t.close());

function req(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  role: Role,
  payload?: unknown,
) {
  return t.http.app.inject({
    method,
    url,
    headers: t.auth(role),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function upload(bytes: Buffer) {
  return t.http.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { ...t.auth('engineer'), 'content-type': 'application/octet-stream' },
    payload: bytes,
  });
}

async function register(name: string, bytes: Buffer, extra: Record<string, unknown> = {}) {
  const up = await upload(bytes);
  expect(up.statusCode).toBe(201);
  return req('POST', `/api/v1/models/${name}/versions`, 'engineer', {
    upload_id: up.json().upload_id,
    ...extra,
  });
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
  expect(body.code).toBe(code);
  return body as { code: string; message: string; details: Record<string, unknown> };
}

describe('uploading and registering', () => {
  it('stages the bytes and reports their SHA-256 and size', async () => {
    const res = await upload(SIMPLE);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      upload_id: expect.stringMatching(/^up_[0-9a-f]{32}$/),
      sha256: createHash('sha256').update(SIMPLE).digest('hex'),
      size_bytes: SIMPLE.length,
    });
  });

  it('registers an upload as a READY version with its signature, creating the model', async () => {
    const res = await register('churn', MLP, {
      description: 'mlp',
      tags: { team: 'risk' },
      metrics: { auc: 0.91 },
      lineage: { run: 'r1' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      model: 'churn',
      version: 1,
      status: 'READY',
      description: 'mlp',
      digest: createHash('sha256').update(MLP).digest('hex'),
      sizeBytes: MLP.length,
      signature: {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 30] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
      },
      tags: { team: 'risk' },
      metrics: { auc: 0.91 },
      lineage: { run: 'r1' },
      createdBy: 'engineer',
      featureSchema: null,
    });
    const model = await req('GET', '/api/v1/models/churn', 'viewer');
    expect(model.json()).toMatchObject({ name: 'churn', owner: 'engineer', latestVersion: 1, aliases: {} });
  });

  it('records a feature schema given as a list of names or as columns of an input', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `x${i}`);
    const res = await register('churn', MLP, { features: names });
    expect(res.json()).toMatchObject({
      version: 2,
      featureSchema: { input: 'x', columns: names.map((n) => ({ name: n, type: 'float32' })) },
    });
    const fraud2 = await req('GET', '/api/v1/models/fraud/versions/2', 'viewer');
    expect(fraud2.json().featureSchema).toMatchObject({
      input: 'INPUT0',
      columns: expect.arrayContaining([expect.objectContaining({ name: 'f15' })]),
    });
    expect(fraud2.json().featureSchema.columns).toHaveLength(16);
  });

  it('consumes an upload: registering the same upload_id twice is refused', async () => {
    const up = (await upload(SIMPLE)).json();
    expect(
      (await req('POST', '/api/v1/models/once/versions', 'engineer', { upload_id: up.upload_id })).statusCode,
    ).toBe(201);
    const again = await req('POST', '/api/v1/models/once/versions', 'engineer', { upload_id: up.upload_id });
    expect(expectError(again, 400, 'INVALID_ARGUMENT').message).toContain('upload_id');
    const versions = await req('GET', '/api/v1/models/once/versions', 'viewer');
    expect(
      versions.json().items.map((v: { version: number; status: string }) => `${v.version} ${v.status}`),
    ).toEqual(['1 READY']);
  });
});

describe('reading models and versions', () => {
  it('shows a model and its versions in order', async () => {
    const model = await req('GET', '/api/v1/models/fraud', 'viewer');
    expect(model.statusCode).toBe(200);
    expect(model.json()).toMatchObject({ name: 'fraud', latestVersion: 2 });
    const versions = await req('GET', '/api/v1/models/fraud/versions', 'viewer');
    expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.json().nextPageToken).toBeUndefined();
  });

  it('shows one version', async () => {
    const res = await req('GET', '/api/v1/models/fraud/versions/1', 'viewer');
    expect(res.json()).toMatchObject({ model: 'fraud', version: 1, status: 'READY', description: 'first' });
  });

  it('resolves a bare name to the newest READY version, name@N to that version', async () => {
    expect((await req('GET', '/api/v1/resolve?ref=fraud', 'viewer')).json()).toMatchObject({
      model: 'fraud',
      version: 2,
    });
    expect((await req('GET', '/api/v1/resolve?ref=fraud@1', 'viewer')).json()).toMatchObject({
      model: 'fraud',
      version: 1,
    });
  });

  it('edits a model', async () => {
    const res = await req('PATCH', '/api/v1/models/fraud', 'engineer', {
      description: 'card fraud',
      tags: { team: 'payments' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'fraud',
      description: 'card fraud',
      tags: { team: 'payments' },
    });
  });
});

describe('aliases', () => {
  it('points an alias at a version, moves it atomically, and resolves name@alias', async () => {
    const set = await req('PUT', '/api/v1/models/fraud/aliases/champion', 'deployer', { version: 1 });
    expect(set.json()).toEqual({ model: 'fraud', alias: 'champion', version: 1, previous: null });
    expect((await req('GET', '/api/v1/resolve?ref=fraud@champion', 'viewer')).json()).toMatchObject({
      version: 1,
      aliases: ['champion'],
    });

    const moved = await req('PUT', '/api/v1/models/fraud/aliases/champion', 'deployer', { version: 2 });
    expect(moved.json()).toEqual({ model: 'fraud', alias: 'champion', version: 2, previous: 1 });
    expect((await req('GET', '/api/v1/resolve?ref=fraud@champion', 'viewer')).json().version).toBe(2);
    expect((await req('GET', '/api/v1/models/fraud', 'viewer')).json().aliases).toEqual({ champion: 2 });
    expect((await req('GET', '/api/v1/models/fraud/versions/1', 'viewer')).json().aliases).toEqual([]);
  });

  it('refuses an alias on a version that does not exist', async () => {
    expectError(
      await req('PUT', '/api/v1/models/fraud/aliases/challenger', 'deployer', { version: 99 }),
      404,
      'MODEL_VERSION_NOT_FOUND',
    );
  });

  it('removes an alias', async () => {
    await req('PUT', '/api/v1/models/fraud/aliases/staging', 'deployer', { version: 1 });
    expect((await req('DELETE', '/api/v1/models/fraud/aliases/staging', 'deployer')).statusCode).toBe(204);
    expectError(await req('GET', '/api/v1/resolve?ref=fraud@staging', 'viewer'), 404, 'ALIAS_NOT_FOUND');
    expectError(
      await req('DELETE', '/api/v1/models/fraud/aliases/staging', 'deployer'),
      404,
      'ALIAS_NOT_FOUND',
    );
  });
});

describe('GET …/versions/:version/content', () => {
  it('returns the very bytes uploaded, with their digest', async () => {
    const res = await req('GET', '/api/v1/models/fraud/versions/1/content', 'engineer');
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(SIMPLE)).toBe(true);
    expect(res.headers['x-kiln-sha256']).toBe(createHash('sha256').update(SIMPLE).digest('hex'));
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe('attachment; filename="fraud-1.onnx"');
  });
});

describe('model cards', () => {
  it('serves the composed card as JSON with every section', async () => {
    const res = await req('GET', '/api/v1/models/fraud/versions/1/card', 'viewer');
    expect(res.statusCode).toBe(200);
    const card = res.json();
    expect(card).toMatchObject({ model: 'fraud', version: 1 });
    expect(card.sections.map((s: { key: string }) => s.key)).toContain('intended_use');
    expect(card.sections.find((s: { key: string }) => s.key === 'intended_use').text).toBeNull();
  });

  it('edits sections with PATCH, clears one with null, and renders them in Markdown and HTML', async () => {
    const patched = await req('PATCH', '/api/v1/models/fraud/versions/1/card', 'engineer', {
      intended_use: 'Scoring card-not-present payments.',
      caveats_and_recommendations: 'Do not use on <script>alert(1)</script> data.',
    });
    expect(patched.statusCode).toBe(200);
    const text = (key: string) => patched.json().sections.find((s: { key: string }) => s.key === key).text;
    expect(text('intended_use')).toBe('Scoring card-not-present payments.');

    const md = await req('GET', '/api/v1/models/fraud/versions/1/card?format=markdown', 'viewer');
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toMatch(/^# Model card: fraud version 1\n/);
    expect(md.body).toContain('## Intended Use\n\nScoring card-not-present payments.\n');
    expect(md.body).toContain('Scoring card-not-present payments.');

    const html = await req('GET', '/api/v1/models/fraud/versions/1/card?format=html', 'viewer');
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toMatch(/^<!DOCTYPE html>/i);
    expect(html.body).toContain('Scoring card-not-present payments.');
    expect(html.body).not.toContain('<script>');
    expect(html.body).toContain('&lt;script&gt;');

    const cleared = await req('PATCH', '/api/v1/models/fraud/versions/1/card', 'engineer', {
      intended_use: null,
    });
    expect(cleared.json().sections.find((s: { key: string }) => s.key === 'intended_use').text).toBeNull();
  });

  it('refuses an unknown section and an unknown format', async () => {
    const bad = expectError(
      await req('PATCH', '/api/v1/models/fraud/versions/1/card', 'engineer', { mood: 'x' }),
      400,
      'INVALID_ARGUMENT',
    );
    expect(bad.message).toContain('"mood"');
    expectError(
      await req('GET', '/api/v1/models/fraud/versions/1/card?format=pdf', 'viewer'),
      400,
      'INVALID_ARGUMENT',
    );
  });
});

describe('search', () => {
  beforeAll(async () => {
    for (const [name, team] of [
      ['search-a', 'blue'],
      ['search-b', 'red'],
      ['search-c', 'blue'],
      ['search-d', 'blue'],
      ['search-e', 'blue'],
    ]) {
      expect((await req('POST', '/api/v1/models', 'engineer', { name, tags: { team } })).statusCode).toBe(
        201,
      );
    }
  });

  it('filters models and pages through them with page tokens, never repeating or skipping', async () => {
    const filter = encodeURIComponent('name ^= search- AND tag.team = blue');
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await req(
        'GET',
        `/api/v1/models?filter=${filter}&page_size=2${token ? `&page_token=${token}` : ''}`,
        'viewer',
      );
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((m: { name: string }) => m.name));
      token = res.json().nextPageToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(['search-a', 'search-c', 'search-d', 'search-e']);
    expect(pages).toBe(2);
  });

  it('refuses a page token with a different filter, and a filter that does not parse', async () => {
    const first = await req(
      'GET',
      `/api/v1/models?filter=${encodeURIComponent('name ^= search-')}&page_size=1`,
      'viewer',
    );
    const token = first.json().nextPageToken as string;
    expect(token).toEqual(expect.any(String));
    expectError(
      await req(
        'GET',
        `/api/v1/models?filter=${encodeURIComponent('name ^= s')}&page_token=${token}`,
        'viewer',
      ),
      400,
      'INVALID_PAGE_TOKEN',
    );
    expectError(
      await req('GET', `/api/v1/models?filter=${encodeURIComponent('colour = red')}`, 'viewer'),
      400,
      'INVALID_FILTER',
    );
  });

  it('searches versions across models', async () => {
    const res = await req(
      'GET',
      `/api/v1/model-versions?filter=${encodeURIComponent('name = fraud AND version >= 2')}`,
      'viewer',
    );
    expect(
      res.json().items.map((v: { model: string; version: number }) => `${v.model}@${v.version}`),
    ).toEqual(['fraud@2']);
    const ready = await req(
      'GET',
      `/api/v1/model-versions?filter=${encodeURIComponent('status = READY AND name ^= ch')}&page_size=1`,
      'viewer',
    );
    expect(ready.json().items).toHaveLength(1);
    const next = await req(
      'GET',
      `/api/v1/model-versions?filter=${encodeURIComponent('status = READY AND name ^= ch')}&page_token=${ready.json().nextPageToken}`,
      'viewer',
    );
    expect(next.json().items.map((v: { version: number }) => v.version)).toEqual([2]);
  });
});

describe('deletion', () => {
  beforeAll(async () => {
    expect((await register('doomed', SIMPLE)).statusCode).toBe(201);
    expect((await register('doomed', SIMPLE)).statusCode).toBe(201);
    expect(
      (await req('PUT', '/api/v1/models/doomed/aliases/prod', 'deployer', { version: 1 })).statusCode,
    ).toBe(200);
  });

  it('refuses to delete an aliased version unless forced', async () => {
    const refused = expectError(
      await req('DELETE', '/api/v1/models/doomed/versions/1', 'deployer'),
      409,
      'MODEL_VERSION_IN_USE',
    );
    expect(refused.details).toEqual({ aliases: ['prod'] });
    expect((await req('GET', '/api/v1/models/doomed/versions/1', 'viewer')).statusCode).toBe(200);
    expect((await req('DELETE', '/api/v1/models/doomed/versions/1?force=true', 'deployer')).statusCode).toBe(
      204,
    );
    expectError(
      await req('GET', '/api/v1/models/doomed/versions/1', 'viewer'),
      404,
      'MODEL_VERSION_NOT_FOUND',
    );
    expectError(await req('GET', '/api/v1/resolve?ref=doomed@prod', 'viewer'), 404, 'ALIAS_NOT_FOUND');
  });

  it('deletes an unaliased version without force', async () => {
    await req('PUT', '/api/v1/models/doomed/aliases/prod', 'deployer', { version: 2 });
    await req('DELETE', '/api/v1/models/doomed/aliases/prod', 'deployer');
    expect((await req('DELETE', '/api/v1/models/doomed/versions/2', 'deployer')).statusCode).toBe(204);
    expect((await req('GET', '/api/v1/models/doomed/versions', 'viewer')).json().items).toEqual([]);
  });

  it('refuses to delete an aliased model unless forced, then deletes it and its versions', async () => {
    const refused = expectError(
      await req('DELETE', '/api/v1/models/fraud', 'deployer'),
      409,
      'MODEL_VERSION_IN_USE',
    );
    expect(refused.message).toContain('champion');
    expect((await req('GET', '/api/v1/models/fraud', 'viewer')).statusCode).toBe(200);
    expect((await req('DELETE', '/api/v1/models/fraud?force=true', 'deployer')).statusCode).toBe(204);
    expectError(await req('GET', '/api/v1/models/fraud', 'viewer'), 404, 'MODEL_NOT_FOUND');
    expectError(
      await req('GET', '/api/v1/models/fraud/versions/1/content', 'engineer'),
      404,
      'MODEL_NOT_FOUND',
    );
  });

  it('deletes a model without aliases without force', async () => {
    expect((await req('DELETE', '/api/v1/models/doomed', 'deployer')).statusCode).toBe(204);
    expectError(await req('DELETE', '/api/v1/models/doomed', 'deployer'), 404, 'MODEL_NOT_FOUND');
  });
});
