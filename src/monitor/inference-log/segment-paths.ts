/**
 * @module monitor/inference-log/segment-paths
 * The inference log's layout in a workspace:
 * `.kiln/inference-log/<deployment>/v<version>/<yyyy-mm-dd>/<stamp>-<seq>.parquet`, where the date
 * and `stamp` (`yyyymmddThhmmss.mmmZ`, UTC) are the time the segment was written — never earlier
 * than any row it holds, which is what retention relies on. Files being written are hidden
 * (`.<name>.tmp`) and renamed into place when complete.
 */
import { join } from 'node:path';
import { STATE_DIR } from '../../workspace/find-workspace.js';

export const INFERENCE_LOG_DIR = 'inference-log';
const SEGMENT_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z-(\d+)\.parquet$/;

/** `<workspace>/.kiln/inference-log`. */
export function inferenceLogDir(workspaceDir: string): string {
  return join(workspaceDir, STATE_DIR, INFERENCE_LOG_DIR);
}

/** The folder of one deployment's segments for one version and UTC day. */
export function segmentDir(root: string, deployment: string, version: number, atMs: number): string {
  return join(root, deployment, `v${version}`, new Date(atMs).toISOString().slice(0, 10));
}

/** A segment's file name for the write time and a sequence number. */
export function segmentName(atMs: number, seq: number): string {
  const iso = new Date(atMs).toISOString(); // 2026-01-01T00:00:00.000Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, 19).replaceAll(':', '')}${iso.slice(19)}`;
  return `${stamp}-${String(seq).padStart(6, '0')}.parquet`;
}

/** The write time (epoch ms) in a segment's file name, or null when the name is not a segment's. */
export function segmentTime(fileName: string): number | null {
  const m = SEGMENT_RE.exec(fileName);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
}
