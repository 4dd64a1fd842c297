/**
 * The API documentation: an OpenAPI 3 document at /api/docs/json, open to read, listing every
 * /api/v1 route of the route table with a summary; and the Swagger UI page at /api/docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKiln, type TestKiln } from '../test-support/test-kiln.js';

interface Operation {
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
  security?: unknown[];
}

let t: TestKiln;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await createTestKiln();
  const res = await t.http.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => t.close());

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
const apiRoutes = () => t.http.routes.filter((r) => r.url.startsWith('/api/v1/'));

describe('GET /api/docs/json', () => {
  it('is an OpenAPI 3 document served without a token', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'Kiln API', version: '1' });
  });

  it('lists exactly the /api/v1 routes of the route table, each method under its path', () => {
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const table = apiRoutes().map((r) => `${r.method} ${toOpenApiPath(r.url)}`);
    expect(table.length).toBeGreaterThan(20);
    expect(documented.sort()).toEqual(table.sort());
  });

  it('gives every /api/v1 operation a summary', () => {
    const missing = apiRoutes()
      .filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]?.summary?.trim())
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('declares each path parameter', () => {
    for (const r of apiRoutes()) {
      const names = [...r.url.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]);
      const params = doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]?.parameters ?? [];
      for (const name of names)
        expect(params, `${r.method} ${r.url}`).toContainEqual(expect.objectContaining({ name, in: 'path' }));
    }
  });

  it('documents bearer tokens, and marks the open health routes as needing none', () => {
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const path of ['/api/v1/health', '/v2/health/live', '/v2/health/ready']) {
      expect(doc.paths[path]?.get?.security, path).toEqual([]);
    }
    // A closed route inherits the document's bearer requirement.
    expect(doc.paths['/api/v1/tokens']?.get?.security).toBeUndefined();
  });

  it('is the same document as YAML at /api/docs/yaml', async () => {
    const res = await t.http.app.inject({ method: 'GET', url: '/api/docs/yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^openapi: 3\./m);
    expect(res.body).toContain('/api/v1/models/{name}/versions/{version}:');
  });
});

describe('GET /api/docs', () => {
  it('serves the Swagger UI page without a token', async () => {
    const res = await t.http.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<title>Swagger UI</title>');
    expect(res.body).toContain('swagger-ui');
  });

  it('serves the UI assets without a token', async () => {
    const init = await t.http.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    const css = await t.http.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });
});
