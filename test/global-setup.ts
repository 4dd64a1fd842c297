/**
 * Runs once before the test files: builds `dist/` (CLI and child-process tests run the compiled
 * code, so it must match the sources) and checks that PostgreSQL is reachable. Under CI=true an
 * unreachable PostgreSQL fails the run loudly instead of letting its tests be skipped.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

import '../src/store/test-support/provided-context.js';

export default async function setup(project: TestProject): Promise<void> {
  if (process.env.KILN_TEST_SKIP_BUILD !== '1') {
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  }
  const url = process.env.KILN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresUrl', url);
  } catch (e) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but PostgreSQL at ${url} is unreachable: ${(e as Error).message}`);
    }
    project.provide('postgresUrl', null);
    console.warn(`PostgreSQL at ${url} is unreachable: its tests are skipped (they fail under CI=true).`);
  } finally {
    await client.end().catch(() => {});
  }
}
