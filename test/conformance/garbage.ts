/**
 * Seeded generators of requests that must all be refused: random bytes, random JSON, valid
 * requests broken by one mutation that can never leave them valid, and random headers. A fixed
 * seed makes a failing request reproducible; its description says what was sent.
 */

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Garbage {
  readonly description: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];

const WORDS = [
  'inputs',
  'outputs',
  'name',
  'shape',
  'datatype',
  'data',
  'parameters',
  'id',
  'INPUT0',
  'x',
  '',
  '__proto__',
  'constructor',
];
const DATATYPES = ['BOOL', 'INT32', 'FP32', 'FP16', 'BYTES', 'INT64', 'UINT8', 'BF16', 'int32', 'STRING', ''];

function randomString(r: Rand, max = 12): string {
  const n = int(r, max + 1);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = r();
    s +=
      c < 0.7
        ? String.fromCharCode(0x20 + int(r, 95))
        : c < 0.9
          ? String.fromCharCode(0xa0 + int(r, 0x700))
          : '🙂';
  }
  return s;
}

function randomJson(r: Rand, depth = 0): unknown {
  const roll = r();
  if (depth > 4 || roll < 0.3) {
    return pick(r, [
      null,
      true,
      false,
      0,
      -1,
      int(r, 1e6),
      r() * 1e300,
      -r(),
      randomString(r),
      pick(r, WORDS),
      pick(r, DATATYPES),
    ]);
  }
  if (roll < 0.6) return Array.from({ length: int(r, 5) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = int(r, 5); i > 0; i--)
    o[r() < 0.7 ? pick(r, WORDS) : randomString(r, 6)] = randomJson(r, depth + 1);
  return o;
}

/** JSON that stresses a parser: deep nesting, long digit runs, Python's NaN tokens, duplicate keys. */
function pathologicalJson(r: Rand): string {
  const head = '{"inputs":[{"name":"INPUT0","shape":[1,16],"datatype":"INT32","data":';
  switch (int(r, 6)) {
    case 0: {
      const depth = 1 + int(r, 20_000);
      return `${head}${'['.repeat(depth)}1${']'.repeat(depth)}}]}`;
    }
    case 1:
      return `${head}[${Array.from({ length: 16 }, () => '9'.repeat(16 + int(r, 400))).join(',')}]}]}`;
    case 2:
      return `${head}[NaN,Infinity,-Infinity,${new Array(13).fill(1).join(',')}]}]}`;
    case 3:
      return `{"inputs":[],"inputs":[],"id":"a","id":"b"}`;
    case 4:
      return `\ufeff${'['.repeat(1 + int(r, 50_000))}`;
    default:
      return `${head}[${new Array(16).fill('-0.0e-0').join(',')}]}],"outputs":[{"name":"__proto__"}]}`;
  }
}

/** A valid `simple` request (INT32 [1,16] INPUT0 and INPUT1). */
export function validSimpleRequest(): { inputs: Record<string, unknown>[]; [k: string]: unknown } {
  const row = Array.from({ length: 16 }, (_, i) => i);
  return {
    inputs: [
      { name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: row },
      { name: 'INPUT1', shape: [1, 16], datatype: 'INT32', data: row },
    ],
  };
}

/** One mutation of a valid request, each of which makes it invalid whatever the random choices. */
const MUTATIONS: readonly ((r: Rand, q: ReturnType<typeof validSimpleRequest>) => string)[] = [
  (r, q) => {
    q.inputs.splice(int(r, 2), 1);
    return 'an input removed';
  },
  (r, q) => {
    const i = q.inputs[int(r, 2)];
    i.datatype = pick(
      r,
      DATATYPES.filter((d) => d !== 'INT32'),
    );
    return `datatype ${JSON.stringify(i.datatype)}`;
  },
  (r, q) => {
    const i = q.inputs[int(r, 2)];
    i.shape = pick(r, [
      [-1, 16],
      [1, 15],
      [16],
      [1, 16, 1],
      [0.5, 16],
      ['1', 16],
      null,
      {},
      [2, 16],
      [1e9, 1e9],
    ]);
    return `shape ${JSON.stringify(i.shape)}`;
  },
  (r, q) => {
    q[`k_${randomString(r, 5)}`] = randomJson(r);
    return 'an unknown top-level key';
  },
  (r, q) => {
    q.inputs[int(r, 2)][`extra_${int(r, 100)}`] = randomJson(r);
    return 'an unknown input key';
  },
  (r, q) => {
    const i = q.inputs[int(r, 2)];
    const data = [...(i.data as unknown[])];
    data[int(r, 16)] = pick(r, [0.5, '7', null, true, [], {}, 2147483648, -2147483649, 'NaN']);
    i.data = data;
    return 'an element of the wrong type or range';
  },
  (r, q) => {
    q.id = pick(r, [1, null, true, [], {}]);
    return 'a non-string id';
  },
  (r, q) => {
    q.outputs = [{ name: `OUT_${randomString(r, 4)}` }];
    return 'an unknown output';
  },
  (r, q) => {
    q.inputs[int(r, 2)].name = `IN_${randomString(r, 6)}`;
    return 'an unknown input name';
  },
  (r, q) => {
    q.inputs[int(r, 2)].parameters = { binary_data_size: int(r, 64) };
    return 'binary_data_size without a binary body';
  },
];

const CONTENT_TYPES = [
  'application/json',
  'application/octet-stream',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'image/png',
  '*/*',
];

function randomHeaderValue(r: Rand): string {
  let s = '';
  for (let i = int(r, 20); i > 0; i--) s += String.fromCharCode(0x20 + int(r, 95));
  return s.trim();
}

/** Extra headers a client might send, all of which must leave a bad request bad. */
function randomHeaders(r: Rand, token: string): Record<string, string> {
  const h: Record<string, string> = {
    authorization:
      r() < 0.9 ? `Bearer ${token}` : pick(r, [`Bearer ${randomHeaderValue(r) || 'x'}`, 'Basic YTpi', token]),
    'content-type': r() < 0.8 ? pick(r, CONTENT_TYPES) : randomHeaderValue(r) || 'x/y',
  };
  for (let i = int(r, 4); i > 0; i--) h[`x-garbage-${int(r, 1000)}`] = randomHeaderValue(r);
  if (r() < 0.2) h['accept-encoding'] = pick(r, ['gzip', 'deflate, br', '*', 'identity;q=0']);
  if (r() < 0.2) h.accept = pick(r, ['application/json', 'text/html', '*/*', 'application/octet-stream']);
  return h;
}

/** The `n`-th garbage request of the sequence seeded by `seed`. */
export function garbageRequest(seed: number, n: number, token: string): Garbage {
  const r = prng(seed * 100_003 + n);
  const headers = randomHeaders(r, token);
  const kind = int(r, 9);
  const path = '/v2/models/simple/infer';
  switch (kind) {
    case 0: {
      const body = Buffer.from(Array.from({ length: int(r, 2048) }, () => int(r, 256)));
      return { description: `${body.length} random bytes`, method: 'POST', path, headers, body };
    }
    case 1: {
      const body = Buffer.from(Array.from({ length: 1 + int(r, 512) }, () => int(r, 256)));
      const ihcl = pick(r, [
        String(int(r, body.length + 1)),
        String(body.length + 1 + int(r, 100)),
        '-1',
        'x',
        '',
        ' 1 2',
      ]);
      headers['inference-header-content-length'] = ihcl;
      return {
        description: `${body.length} random bytes, IHCL ${JSON.stringify(ihcl)}`,
        method: 'POST',
        path,
        headers,
        body,
      };
    }
    case 2: {
      const text = JSON.stringify(randomJson(r)) ?? 'null';
      return {
        description: `random JSON ${text.slice(0, 80)}`,
        method: 'POST',
        path,
        headers,
        body: Buffer.from(text),
      };
    }
    case 3:
    case 4: {
      const q = validSimpleRequest();
      const what = pick(r, MUTATIONS)(r, q);
      return {
        description: `valid request with ${what}`,
        method: 'POST',
        path,
        headers,
        body: Buffer.from(JSON.stringify(q)),
      };
    }
    case 5: {
      const text = JSON.stringify(validSimpleRequest());
      const cut = int(r, text.length);
      return {
        description: `valid JSON cut at ${cut}`,
        method: 'POST',
        path,
        headers,
        body: Buffer.from(text.slice(0, cut)),
      };
    }
    case 6: {
      // A valid JSON header announcing binary data that is not there in full.
      const q = validSimpleRequest();
      q.inputs[0] = {
        name: 'INPUT0',
        shape: [1, 16],
        datatype: 'INT32',
        parameters: { binary_data_size: 64 },
      };
      const json = Buffer.from(JSON.stringify(q));
      const blob = Buffer.alloc(int(r, 64));
      headers['inference-header-content-length'] = String(json.length);
      return {
        description: `binary body with ${blob.length} of 64 bytes`,
        method: 'POST',
        path,
        headers,
        body: Buffer.concat([json, blob]),
      };
    }
    case 7: {
      const text = pathologicalJson(r);
      return {
        description: `pathological JSON ${text.slice(0, 60)}…`,
        method: 'POST',
        path,
        headers,
        body: Buffer.from(text),
      };
    }
    default: {
      const where = pick(r, [
        `/v2/models/m_${encodeURIComponent(randomString(r, 8))}/infer`,
        `/v2/models/simple/versions/${int(r, 1000) + 2}/infer`,
        `/v2/models/simple/versions/v${encodeURIComponent(randomString(r, 4))}/infer`,
      ]);
      return {
        description: `valid body to ${where}`,
        method: 'POST',
        path: where,
        headers,
        body: Buffer.from(JSON.stringify(validSimpleRequest())),
      };
    }
  }
}
