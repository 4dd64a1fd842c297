/**
 * @module server/http/client-error
 * Answers requests that Node's HTTP parser refuses before any route sees them (a malformed request
 * line, oversized headers, a header timeout) in Kiln's error shape with a stable code, instead of
 * Fastify's generic `{"error":"Bad Request","message":"Client Error"}`.
 */
import type { Socket } from 'node:net';

interface ParserError extends Error {
  code?: string;
}

export function clientErrorResponse(err: ParserError): { status: number; reason: string; body: string } {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return answer(408, 'Request Timeout', 'UNAVAILABLE', 'the request was not received in time');
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return answer(
      431,
      'Request Header Fields Too Large',
      'PAYLOAD_TOO_LARGE',
      'the request headers are too large',
    );
  }
  const detail = err.code ? ` (${err.code})` : '';
  return answer(400, 'Bad Request', 'INVALID_ARGUMENT', `the request is not valid HTTP/1.1${detail}`);
}

function answer(status: number, reason: string, code: string, message: string) {
  // Both shapes at once: `/api/v1` clients read {code, message}, `/v2` clients read {error, code}.
  return { status, reason, body: JSON.stringify({ code, message, error: message }) };
}

/** Fastify's `clientErrorHandler`. */
export function kilnClientErrorHandler(err: ParserError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const r = clientErrorResponse(err);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${r.status} ${r.reason}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(r.body)}\r\nContent-Type: application/json\r\n\r\n${r.body}`,
    );
  }
  socket.destroy(err);
}
