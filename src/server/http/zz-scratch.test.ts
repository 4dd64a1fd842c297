import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { createTestKiln } from '../test-support/test-kiln.js';

it('scratch', async () => {
  const t = await createTestKiln({ env: { KILN_NETWORK_ALLOW: 'http://127.0.0.1:*' } });
  try {
    const app = t.http.app;
    const show = async (method: string, url: string, role: any, payload?: any, headers: any = {}) => {
      const r = await app.inject({ method: method as any, url, headers: { ...(role ? t.auth(role) : {}), ...headers }, ...(payload !== undefined ? { payload } : {}) });
      console.log(method, url.slice(0, 80), r.statusCode, r.body.slice(0, 600));
      return r;
    };
    const up = await app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...t.auth('engineer'), 'content-type': 'application/octet-stream' }, payload: readFileSync('test/fixtures/models/simple.onnx') });
    await show('POST', '/api/v1/models/fraud/versions', 'engineer', { upload_id: up.json().upload_id, features: ['a', 'b'] });
    const up2 = await app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...t.auth('engineer'), 'content-type': 'application/octet-stream' }, payload: readFileSync('test/fixtures/models/simple.onnx') });
    await show('POST', '/api/v1/models/fraud/versions', 'engineer', { upload_id: up2.json().upload_id, features: { INPUT0: ['a'] } });
    await show('GET', '/api/v1/models/%2E%2E', 'viewer');
    await show('GET', '/api/v1/models/' + 'a'.repeat(129), 'viewer');
    await show('GET', '/api/v1/models/' + 'a'.repeat(2000), 'viewer');
    await show('GET', '/api/v1/nope', 'viewer');
    await show('GET', '/api/v1/nope', null);
    await show('GET', '/v2/nope', null);
    await show('POST', '/api/v1/models', 'engineer', { name: '..' });
    await show('POST', '/api/v1/models', 'engineer', { name: 'x', bogus: 1 });
    await show('PUT', '/api/v1/models/fraud/aliases/123', 'deployer', { version: 1 });
    await show('GET', '/api/v1/models/fraud/versions/1/card?format=markdown', 'viewer');
    await show('GET', '/api/v1/models/fraud/versions/1/card', 'viewer');
    await show('PATCH', '/api/v1/models/fraud/versions/1/card', 'engineer', { intended_use: 'x', bogus: 'y' });
    await show('GET', '/api/v1/audit/checkpoint', 'viewer');
    await show('GET', '/api/v1/audit/proofs/inclusion/2?tree_size=3', 'viewer');
    await show('GET', '/api/v1/audit/proofs/consistency?from=2&to=3', 'viewer');
    await show('GET', '/api/v1/audit/proofs/consistency?from=0', 'viewer');
    await show('GET', '/api/v1/audit/proofs/consistency?from=5&to=3', 'viewer');
    await show('GET', '/api/v1/audit/proofs/inclusion/2?tree_size=1', 'viewer');
    await show('GET', '/api/v1/audit/events?limit=2', 'admin');
    const job = await t.kiln.jobs.enqueue('noop', { a: 1 });
    await show('GET', '/api/v1/jobs', 'viewer');
    await show('POST', `/api/v1/jobs/${job.id}/cancel`, 'engineer');
    await show('POST', `/api/v1/jobs/${job.id}/cancel`, 'engineer');
    await show('POST', '/api/v1/webhooks', 'deployer', { url: 'http://127.0.0.1:9/hook', events: ['model.created'] });
    await show('POST', '/api/v1/webhooks', 'deployer', { url: 'http://169.254.169.254/latest', events: ['model.created'] });
    await show('POST', '/api/v1/webhooks', 'deployer', { url: 'https://example.com/x', events: ['model.created'] });
    await show('GET', '/api/v1/webhooks', 'viewer');
    await show('POST', '/api/v1/tokens', 'admin', { name: 'ci', role: 'king' });
    await show('POST', '/api/v1/tokens', 'admin', { name: 'ci', role: 'viewer', expires_in_days: 1 });
    await show('DELETE', '/api/v1/models/fraud', 'deployer');
    await show('POST', '/api/v1/models', 'engineer', '', { 'content-type': 'application/json' });
  } finally {
    await t.close();
  }
});
