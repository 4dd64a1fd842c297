/**
 * @module ingest/paths/file-digest
 * One streamed pass over a file: its SHA-256 (for lineage and dataset version keys), its size and,
 * on request, whether it is valid UTF-8 — with the byte offset and line of the first bad byte, so a
 * text source can be refused with a message that points at the problem.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
  /** Present only when UTF-8 was checked and the file is not valid UTF-8. */
  readonly invalidUtf8?: { readonly offset: number; readonly line: number };
}

/** Digests `path` in one streamed read; `checkUtf8` also validates it as UTF-8. */
export async function digestFile(path: string, options: { checkUtf8?: boolean } = {}): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let invalid: { offset: number; line: number } | undefined;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    if (options.checkUtf8 && !invalid) {
      const data = carry.length > 0 ? Buffer.concat([carry, buf]) : buf;
      const start = bytes - carry.length;
      const keep = incompleteTail(data);
      const whole = data.subarray(0, data.length - keep);
      if (!isUtf8(whole)) {
        const at = firstInvalidByte(whole);
        invalid = { offset: start + at, line: line + countNewlines(whole.subarray(0, at)) };
      } else {
        line += countNewlines(whole);
        carry = Buffer.from(data.subarray(data.length - keep));
      }
    }
    bytes += buf.length;
  }
  if (options.checkUtf8 && !invalid && carry.length > 0) {
    // the file ends inside a multi-byte sequence
    invalid = { offset: bytes - carry.length, line };
  }
  return { sha256: hash.digest('hex'), bytes, ...(invalid ? { invalidUtf8: invalid } : {}) };
}

/** How many trailing bytes form the start of a multi-byte sequence cut off by the chunk's end. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
export function firstInvalidByte(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= buf.length) return i;
    if (buf[i + 1] < lo || buf[i + 1] > hi) return i;
    for (let k = 2; k <= need; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return buf.length;
}

function countNewlines(buf: Uint8Array): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}
