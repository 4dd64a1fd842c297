/**
 * @module govern/audit/test-support/audit-fixtures
 * A fresh audit log per test on a fresh store from a {@link TestStoreFactory}: an ephemeral signing
 * key, a manual clock and a checkpoint file in a temp folder. `reopen` gives a second, independent
 * log on the same database (a new store connection and cache), as another process would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../core/clock.js';
import type { MetadataStore } from '../../../store/metadata-store.js';
import { openMetadataStore } from '../../../store/open-metadata-store.js';
import type { TestStoreFactory } from '../../../store/test-support/test-databases.js';
import { CheckpointSigner } from '../checkpoint-signer.js';
import { SqlAuditLog, type SqlAuditLogOptions } from '../sql-audit-log.js';

export interface AuditFixture {
  readonly store: MetadataStore;
  readonly signer: CheckpointSigner;
  readonly clock: ManualClock;
  readonly checkpointFile: string;
  readonly log: SqlAuditLog;
  /** Another process's view of the same database: its own connection, cache and (by default) file. */
  reopen(options?: {
    signer?: CheckpointSigner;
    checkpointFile?: string;
  }): Promise<{ store: MetadataStore; log: SqlAuditLog }>;
}

export interface AuditFixtures {
  create(options?: Partial<SqlAuditLogOptions>): Promise<AuditFixture>;
  cleanup(): Promise<void>;
}

export function auditFixtures(factory: TestStoreFactory): AuditFixtures {
  const dirs: string[] = [];
  const logs: SqlAuditLog[] = [];
  const extraStores: MetadataStore[] = [];
  return {
    async create(options = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'kiln-audit-'));
      dirs.push(dir);
      const store = await factory.create();
      const signer = CheckpointSigner.ephemeral();
      const clock = new ManualClock('2026-03-01T00:00:00.000Z');
      const checkpointFile = join(dir, 'audit-checkpoints.jsonl');
      const log = new SqlAuditLog(store, signer, clock, { checkpointFile, ...options });
      logs.push(log);
      return {
        store,
        signer,
        clock,
        checkpointFile,
        log,
        async reopen(o = {}) {
          const other = await openMetadataStore(store.url, { baseDir: dir });
          extraStores.push(other);
          const otherLog = new SqlAuditLog(other, o.signer ?? signer, clock, {
            checkpointFile: o.checkpointFile ?? checkpointFile,
            ...options,
          });
          logs.push(otherLog);
          return { store: other, log: otherLog };
        },
      };
    },
    async cleanup() {
      for (const l of logs.splice(0)) await l.close();
      for (const s of extraStores.splice(0)) await s.close();
      await factory.cleanup();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Records `n` events `e1..en` by alternating actors, advancing the clock 1 s each. */
export async function recordEvents(f: AuditFixture, n: number, log: SqlAuditLog = f.log): Promise<void> {
  for (let i = 1; i <= n; i++) {
    f.clock.advance(1000);
    await log.record({
      actor: i % 2 ? 'alice' : 'bob',
      action: 'model.version.create',
      resource: `model/m/${i}`,
      details: { i },
    });
  }
}
