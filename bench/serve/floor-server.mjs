// The floor of the serving benchmark: a bare node:http server that does the least a server must
// do for Kiln's inference request — read the body, JSON.parse it, check there is an input — and
// answers with the bytes Kiln answered to the same request (captured from a real Kiln response by
// run.mjs). No routing, no framework, no auth lookup, no model: what node:http itself costs.
//
//   node bench/serve/floor-server.mjs --port 18081 --response-file captured.json
//
// Prints "floor listening on http://127.0.0.1:PORT" on stderr when ready. 127.0.0.1 only.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    port: { type: 'string' },
    'response-file': { type: 'string' },
    'content-type': { type: 'string', default: 'application/json' },
  },
});
const response = readFileSync(a['response-file']);
const headers = { 'content-type': a['content-type'], 'content-length': String(response.length) };

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"the body is not valid JSON","code":"INVALID_JSON"}');
      return;
    }
    if (!Array.isArray(body?.inputs) || body.inputs.length === 0) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"no inputs","code":"INVALID_ARGUMENT"}');
      return;
    }
    res.writeHead(200, headers);
    res.end(response);
  });
});
// Kiln (Fastify) answers with Keep-Alive: timeout=72; keep the connections equally long-lived.
server.keepAliveTimeout = 72_000;
server.listen(Number(a.port), '127.0.0.1', () => {
  process.stderr.write(`floor listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
