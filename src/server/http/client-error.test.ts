import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKiln, type TestKiln } from '../test-support/test-kiln.js';
import { clientErrorResponse } from './client-error.js';

describe('client errors (refused by the HTTP parser)', () => {
  it('maps parser errors to stable codes', () => {
    expect(clientErrorResponse(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }))).toMatchObject({
      status: 400,
    });
    expect(JSON.parse(clientErrorResponse(new Error('x')).body)).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(clientErrorResponse(Object.assign(new Error('x'), { code: 'HPE_HEADER_OVERFLOW' })).status).toBe(
      431,
    );
  });

  let t: TestKiln;
  let port = 0;
  beforeAll(async () => {
    t = await createTestKiln();
    await t.http.app.listen({ host: '127.0.0.1', port: 0 });
    const a = t.http.app.server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });
  afterAll(async () => t.close());

  it('answers a malformed request line with a JSON body carrying a code', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write('GARBAGE / NOT-HTTP\r\n\r\n'));
      let out = '';
      s.on('data', (d) => {
        out += d.toString();
      });
      s.on('close', () => resolve(out));
      s.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(body.error).toContain('not valid HTTP');
  });
});
