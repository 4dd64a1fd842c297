/**
 * @module server/test-support/test-kiln
 * A real Kiln on a temporary workspace for tests: SQLite by default, or a fresh PostgreSQL
 * database; with the HTTP app built (no port opened) and tokens of every role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Clock } from '../../core/clock.js';
import { ROLES, type Role, SYSTEM_ACTOR } from '../../govern/auth/roles.js';
import { createPostgresDatabase } from '../../store/test-support/test-databases.js';
import { initWorkspace } from '../../workspace/init-workspace.js';
import { type BuiltHttpApp, buildHttpApp } from '../http/http-app.js';
import { ALL_ROUTES } from '../http/routes/index.js';
import { type Kiln, openKiln } from '../open-kiln.js';

export interface TestKiln {
  readonly dir: string;
  readonly kiln: Kiln;
  readonly http: BuiltHttpApp;
  /** A token per role, named after the role (`viewer`, …, and `admin` from init). */
  readonly tokens: Readonly<Record<Role, string>>;
  /** Authorization header for a role. */
  auth(role: Role): { authorization: string };
  close(): Promise<void>;
}

export interface TestKilnOptions {
  /** A PostgreSQL admin URL: the workspace's store becomes a fresh database on it. */
  readonly postgresAdminUrl?: string | null;
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
}

export async function createTestKiln(options: TestKilnOptions = {}): Promise<TestKiln> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-ws-'));
  const env: Record<string, string> = { KILN_LOG_LEVEL: 'silent', ...(options.env ?? {}) };
  let drop: (() => Promise<void>) | null = null;
  if (options.postgresAdminUrl) {
    const db = await createPostgresDatabase(options.postgresAdminUrl);
    env.KILN_STORE = db.url;
    drop = db.drop;
  }
  const init = await initWorkspace(dir, env);
  const kiln = await openKiln({
    workspaceDir: dir,
    env,
    logger: pino({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const tokens: Record<string, string> = { admin: init.adminToken };
  for (const role of ROLES) {
    if (role === 'admin') continue;
    tokens[role] = (await kiln.tokens.create(SYSTEM_ACTOR, { name: role, role })).token;
  }
  const http = await buildHttpApp({ services: kiln, routes: ALL_ROUTES, logger: false });
  return {
    dir,
    kiln,
    http,
    tokens: tokens as Record<Role, string>,
    auth: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    async close() {
      await http.app.close();
      await kiln.close();
      if (drop) await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
