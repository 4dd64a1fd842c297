import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { createTestKiln } from '../test-support/test-kiln.js';

it('scratch', async () => {
  const t = await createTestKiln({ env: { KILN_MAX_MODEL_BYTES: '2048' } });
  try {
    console.log(t.http.routes.map((r) => `${r.method} ${r.url} ${typeof r.minRole === 'function' ? 'fn' : r.minRole}`).join('\n'));
    const app = t.http.app;
    const up = await app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...t.auth('engineer'), 'content-type': 'application/octet-stream' }, payload: readFileSync('test/fixtures/models/simple.onnx') });
    console.log(up.statusCode, up.body);
    const big = await app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...t.auth('engineer'), 'content-type': 'application/octet-stream' }, payload: readFileSync('test/fixtures/models/mlp_small.onnx') });
    console.log(big.statusCode, big.body);
    const v = await app.inject({ method: 'POST', url: '/api/v1/models/fraud/versions', headers: t.auth('engineer'), payload: { upload_id: up.json().upload_id } });
    console.log(v.statusCode, v.body);
    for (const u of ['/api/v1/models/a%2Fb', '/api/v1/models/..', '/api/v1/models/a%01b', '/api/v1/nope', '/api/v1/models?page_token=zzz', '/api/v1/resolve?ref=fraud@champion', '/api/v1/models/fraud/versions/9', '/api/v1/models/' + 'a'.repeat(129)]) {
      const r = await app.inject({ method: 'GET', url: u, headers: t.auth('viewer') });
      console.log(u, r.statusCode, r.body);
    }
    const j = await app.inject({ method: 'POST', url: '/api/v1/models', headers: { ...t.auth('engineer'), 'content-type': 'application/json' }, payload: '{"name":' });
    console.log(j.statusCode, j.body);
    const d = await app.inject({ method: 'GET', url: '/api/docs/json' });
    console.log(d.statusCode, Object.keys(d.json().paths));
    const ui = await app.inject({ method: 'GET', url: '/api/docs' });
    console.log(ui.statusCode, ui.headers, ui.body.slice(0, 300));
  } finally {
    await t.close();
  }
});
